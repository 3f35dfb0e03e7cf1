"""The acquisition side of the terminal: scan, pre-process, batch, sign, store.

One :class:`Agent` owns the drivers and the outbox connection of the acquisition thread. Each
:meth:`Agent.tick` reads the tags that are due, folds them into minute values, and seals a batch
when enough readings wait or the oldest has waited ``batch_max_age_s``. Sealing takes the
sequence number and stores the envelope in one outbox transaction. When the outbox is full, the
readings wait in memory up to ``max_pending`` (bounded), then the oldest are dropped and
counted: the alarm is loud, the memory stays bounded and the database is never corrupted.

A new platform configuration swaps the drivers in place (:meth:`Agent.reconfigure`): pending
readings and open minutes stay, a driver that goes is polled one last time (a listener's
received uploads were already acknowledged to the sender), and one that stays keeps running.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from tanji.protocols.readings import MAX_READINGS_PER_BATCH, QualityFlag, Reading
from tanji.terminal.buffer import BufferFullError, Outbox
from tanji.terminal.clock import ClockMonitor
from tanji.terminal.drivers.base import Driver, DriverError
from tanji.terminal.health import Health, InstrumentHealth, disk_free
from tanji.terminal.processing import MinuteAggregator, TagProfile
from tanji.terminal.schedule import ScanSchedule
from tanji.terminal.signing import Sealer

log = logging.getLogger(__name__)
#: After a full outbox, wait this long before trying to seal again (spares the disk).
FULL_RETRY_S = 10.0


class Agent:
    """Acquisition loop state.

    Args:
        sealer: signs batches with the terminal key.
        outbox: the durable queue (this thread's connection).
        drivers: instrument name → driver.
        profiles: ``(instrument, tag)`` → pre-processing profile (scan interval, kind, wrap).
        batch_max_readings: seal when this many readings wait.
        batch_max_age_s: seal when the oldest waiting reading is this old.
        max_pending: readings kept in memory while the outbox is full.
        monitor: clock drift state shared with the forwarder.
        clock: wall clock in seconds.
    """

    def __init__(
        self,
        sealer: Sealer,
        outbox: Outbox,
        drivers: Mapping[str, Driver],
        profiles: Mapping[tuple[str, str], TagProfile],
        *,
        batch_max_readings: int = 1000,
        batch_max_age_s: float = 60.0,
        max_pending: int = 100_000,
        monitor: ClockMonitor | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sealer = sealer
        self.outbox = outbox
        self.drivers = dict(drivers)
        self.schedule = ScanSchedule(_intervals(drivers, profiles))
        self.aggregator = MinuteAggregator({tag: p for (_i, tag), p in profiles.items()})
        self.batch_max_readings = min(batch_max_readings, MAX_READINGS_PER_BATCH)
        self.batch_max_age_s = batch_max_age_s
        self.max_pending = max_pending
        self.monitor = monitor or ClockMonitor()
        self.clock = clock
        self.pending: list[Reading] = []
        self.pending_since: float | None = None
        self.dropped = 0
        self._retry_at = 0.0
        self.instruments = {name: InstrumentHealth() for name in self.drivers}

    def reconfigure(
        self,
        drivers: Mapping[str, Driver],
        profiles: Mapping[tuple[str, str], TagProfile],
        *,
        batch_max_readings: int,
        batch_max_age_s: float,
    ) -> None:
        """Run with the drivers of a new configuration, losing nothing that was read.

        Drivers absent from ``drivers`` (or replaced by another object) are polled a last time
        and closed; pending readings, open minutes and the health of kept instruments stay.
        """
        now = datetime.fromtimestamp(self.clock(), UTC)
        for name, driver in self.drivers.items():
            if drivers.get(name) is not driver:
                if getattr(driver, "passthrough", False):
                    self._scan(name, [], now)
                driver.close()
        self.drivers = dict(drivers)
        self.schedule.replace(_intervals(drivers, profiles))
        self.aggregator.profiles.update({tag: p for (_i, tag), p in profiles.items()})
        self.instruments = {n: self.instruments.get(n) or InstrumentHealth() for n in drivers}
        self.batch_max_readings = min(batch_max_readings, MAX_READINGS_PER_BATCH)
        self.batch_max_age_s = batch_max_age_s

    def tick(self) -> int:
        """Scan what is due, flush finished minutes, seal if ready; returns batches sealed."""
        now_s = self.clock()
        now = datetime.fromtimestamp(now_s, UTC)
        for name, tags in self.schedule.due(now_s).items():
            self._scan(name, tags, now)
        self._queue(self.aggregator.flush(now), now_s)
        return self.seal_ready(now_s)

    def _scan(self, name: str, tags: list[str], now: datetime) -> None:
        driver = self.drivers[name]
        passthrough = getattr(driver, "passthrough", False)
        try:
            readings = driver.poll(now, None if passthrough else tags)
        except DriverError as exc:
            state = self.instruments[name]
            state.errors += 1
            state.last_error = str(exc)
            log.warning("%s", exc)
            return
        if readings:
            self.instruments[name].last_reading = now.timestamp()
        if self.monitor.drifted:  # values right, times not trustworthy (see clock.py)
            readings = [
                replace(r, flag=QualityFlag.FAULT) if r.flag is QualityFlag.NORMAL else r
                for r in readings
            ]
        if passthrough:
            self._queue(readings, now.timestamp())
        else:
            self.aggregator.add(readings)

    def _queue(self, readings: list[Reading], now_s: float) -> None:
        if not readings:
            return
        if self.pending_since is None:
            self.pending_since = now_s
        self.pending.extend(readings)
        excess = len(self.pending) - self.max_pending
        if excess > 0:
            del self.pending[:excess]
            self.dropped += excess
            log.error(
                "outbox full: dropped %d readings (memory bound %d)", excess, self.max_pending
            )

    def seal_ready(self, now_s: float, *, force: bool = False) -> int:
        """Seal full batches, and a partial one when it is old enough (or ``force``)."""
        sealed = 0
        if now_s < self._retry_at and not force:
            return 0
        while self.pending:
            since = self.pending_since
            old = since is not None and now_s - since >= self.batch_max_age_s
            if len(self.pending) < self.batch_max_readings and not (old or force):
                break
            chunk = self.pending[: self.batch_max_readings]
            created = datetime.fromtimestamp(now_s, UTC)
            try:
                self.outbox.append(self._sealing(chunk, created))
            except BufferFullError as exc:
                log.error("%s", exc)
                self._retry_at = now_s + FULL_RETRY_S
                break
            del self.pending[: len(chunk)]
            sealed += 1
        if not self.pending:
            self.pending_since = None
        return sealed

    def drain(self, now_s: float) -> int:
        """Take what listeners received, close every open minute and seal everything.

        Partial minutes keep their flags. A DAS was told its uploads arrived (9014), so they
        must not die in memory at shutdown.
        """
        now = datetime.fromtimestamp(now_s, UTC)
        for name, driver in self.drivers.items():
            if getattr(driver, "passthrough", False):
                self._scan(name, [], now)
        later = datetime.fromtimestamp(now_s + 60, UTC)
        self._queue(self.aggregator.flush(later), now_s)
        return self.seal_ready(now_s, force=True)

    def _sealing(
        self, chunk: list[Reading], created: datetime
    ) -> Callable[[int], tuple[bytes, int]]:
        def seal(seq: int) -> tuple[bytes, int]:
            return self.sealer.seal(seq, created, chunk), len(chunk)

        return seal

    def health(
        self, forwarder_stats: Mapping[str, object] | None = None, inflight: int = 0
    ) -> Health:
        """A heartbeat document of the current state."""
        batches, readings = self.outbox.depth()
        oldest = self.outbox.oldest_created()
        now_s = self.clock()
        return Health(
            device=self.sealer.device,
            time=now_s,
            queue_batches=batches,
            queue_readings=readings + len(self.pending),
            backlog_age_s=0.0 if oldest is None else max(0.0, now_s - oldest),
            inflight=inflight,
            disk_free_bytes=disk_free(self.outbox.path.parent),
            buffer_full=self.outbox.full_alarm,
            dropped_readings=self.dropped,
            clock_offset_s=self.monitor.offset_s,
            clock_drifted=self.monitor.drifted,
            uplink=dict(forwarder_stats or {}),
            instruments=self.instruments,
        )

    def close(self) -> None:
        """Close every driver."""
        for driver in self.drivers.values():
            driver.close()


def _intervals(
    drivers: Mapping[str, Driver], profiles: Mapping[tuple[str, str], TagProfile]
) -> dict[tuple[str, str], int]:
    """Scan intervals: each profiled tag on its own; event-like sources polled every 10 s."""
    intervals = {k: p.scan_s for k, p in profiles.items()}
    for name, driver in drivers.items():
        if getattr(driver, "passthrough", False):
            intervals[(name, "*")] = 10
    return intervals
