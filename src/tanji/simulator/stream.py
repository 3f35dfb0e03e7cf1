"""Live streaming: readings of the plant tick by tick, on a clock that tests can fake.

The stream aligns ticks to multiples of ``tick_seconds`` in UTC (a data logger samples on the
minute, not "60 s after it was switched on"), sleeps until each tick on the injected clock and
yields the readings of that instant. When the consumer falls behind by more than one tick, the
stream skips to the latest due tick instead of flooding: a live logger sends current values; the
history is what back-fill and HJ 212 re-upload are for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from tanji.protocols.readings import Reading
from tanji.simulator.errors import SimulatorError
from tanji.simulator.frame import EPOCH
from tanji.simulator.plant import Plant


class Clock(Protocol):
    """Time source of a synchronous stream."""

    def now(self) -> datetime:
        """Current aware time."""
        ...

    def sleep_until(self, moment: datetime) -> None:
        """Block until ``moment``."""
        ...


class AsyncClock(Protocol):
    """Time source of an asynchronous stream."""

    def now(self) -> datetime:
        """Current aware time."""
        ...

    async def sleep_until(self, moment: datetime) -> None:
        """Wait until ``moment`` without blocking the event loop."""
        ...


class SystemClock:
    """The real wall clock of the synchronous stream."""

    def now(self) -> datetime:
        """Current UTC time."""
        return datetime.now(UTC)

    def sleep_until(self, moment: datetime) -> None:
        """Sleep until ``moment``."""
        time.sleep(max(0.0, (moment - self.now()).total_seconds()))


class AsyncSystemClock:
    """The wall clock with an awaitable ``sleep_until``."""

    def now(self) -> datetime:
        """Current UTC time."""
        return datetime.now(UTC)

    async def sleep_until(self, moment: datetime) -> None:
        """Asynchronously sleep until ``moment``."""
        await asyncio.sleep(max(0.0, (moment - self.now()).total_seconds()))


@dataclass(frozen=True, slots=True)
class Tick:
    """The readings of one tick instant."""

    time: datetime
    readings: list[Reading]


def _next_tick(now: datetime, tick_seconds: int) -> datetime:
    elapsed = (now - EPOCH).total_seconds()
    ticks = -(-elapsed // tick_seconds)
    return EPOCH + timedelta(seconds=ticks * tick_seconds)


def _check(tick_seconds: int) -> None:
    if tick_seconds < 1 or 86_400 % tick_seconds:
        raise SimulatorError(
            "simulator.bad_tick",
            "tick of {tick} s must be a whole divisor of a day (e.g. 1, 10, 30, 60)",
            tick=tick_seconds,
        )


def _tick(plant: Plant, moment: datetime, tags: set[str] | None) -> Tick:
    readings = [
        replace(r, time=moment) for r in plant.readings_at(moment) if tags is None or r.tag in tags
    ]
    return Tick(moment, readings)


def _due(now: datetime, planned: datetime, tick_seconds: int) -> datetime:
    """The planned tick, or the latest tick boundary when more than one tick late."""
    if (now - planned).total_seconds() >= tick_seconds:
        elapsed = (now - EPOCH).total_seconds()
        return EPOCH + timedelta(seconds=elapsed // tick_seconds * tick_seconds)
    return planned


def live(
    plant: Plant,
    clock: Clock,
    tick_seconds: int = 60,
    tags: Iterable[str] | None = None,
    limit: int | None = None,
) -> Iterator[Tick]:
    """Yield the readings at every tick, waiting on ``clock``; ``limit`` ticks or forever."""
    _check(tick_seconds)
    wanted = set(tags) if tags is not None else None
    planned = _next_tick(clock.now(), tick_seconds)
    count = 0
    while limit is None or count < limit:
        clock.sleep_until(planned)
        planned = _due(clock.now(), planned, tick_seconds)
        yield _tick(plant, planned, wanted)
        planned += timedelta(seconds=tick_seconds)
        count += 1


async def live_async(
    plant: Plant,
    clock: AsyncClock,
    tick_seconds: int = 60,
    tags: Iterable[str] | None = None,
    limit: int | None = None,
) -> AsyncIterator[Tick]:
    """Asynchronous :func:`live`, for gateways and device simulators running on asyncio."""
    _check(tick_seconds)
    wanted = set(tags) if tags is not None else None
    planned = _next_tick(clock.now(), tick_seconds)
    count = 0
    while limit is None or count < limit:
        await clock.sleep_until(planned)
        planned = _due(clock.now(), planned, tick_seconds)
        yield _tick(plant, planned, wanted)
        planned += timedelta(seconds=tick_seconds)
        count += 1
