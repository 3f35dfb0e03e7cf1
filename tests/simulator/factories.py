"""Test doubles shared by the simulator tests and those that drive the simulator (gateways)."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    """A clock whose sleep jumps time forward, optionally oversleeping."""

    def __init__(self, now: datetime, oversleep: timedelta = timedelta(0)) -> None:
        self.current = now
        self.oversleep = oversleep
        self.sleeps: list[datetime] = []

    def now(self) -> datetime:
        return self.current

    def sleep_until(self, moment: datetime) -> None:
        self.sleeps.append(moment)
        self.current = max(self.current, moment + self.oversleep)


class FakeAsyncClock(FakeClock):
    """The same clock for the asyncio loops (the data logger, ``live_async``)."""

    async def sleep_until(self, moment: datetime) -> None:  # type: ignore[override]
        FakeClock.sleep_until(self, moment)
