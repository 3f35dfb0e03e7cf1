"""Post-commit notifications off the acknowledgement path: a coalescing background worker.

The live emission engine recomputes a 51-hour window per call (≈ 0.3 s, bench_emissions); run
inline it cost every acknowledgement that much (ADR 0150). :func:`publish` hands the event to
the running :class:`LiveWorker`, which merges what arrives within ``window_s`` into changed
(enterprise, tag, hour) sets and calls the listeners once per enterprise and run of
consecutive hours, covering every hour any event touched. Listeners recompute from the store,
so one call over the union gives what the calls one by one would (live == batch, R4.4).

Without a started worker (tests, one-off commands) :func:`publish` calls the listeners at once,
as before. Long-running entry points (gateway, web server) call :func:`start_worker`;
:func:`flush` waits until everything published so far has been delivered.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from tanji.ingest.listeners import CommittedData, notify
from tanji.timeseries.samples import EPOCH, ts_ms
from tanji.workers import Slot, WindowThread

__all__ = ["LiveWorker", "flush", "publish", "start_worker", "stop_worker"]

logger = logging.getLogger(__name__)
HOUR_MS = 3_600_000


class LiveWorker(WindowThread):
    """One thread delivering coalesced :class:`CommittedData` to the listeners."""

    def __init__(self, window_s: float = 1.0) -> None:
        super().__init__("ingest-live", window_s)
        self.delivered = 0  # listener rounds run (for tests and logs)
        self._pending: dict[int, dict[int, set[int]]] = {}
        self._last_envelope = 0
        self._busy = False

    def start(self) -> LiveWorker:
        """Start the thread; returns ``self``."""
        self._thread.start()
        return self

    def put(self, event: CommittedData) -> None:
        """Merge ``event`` into the pending changes (never blocks on a listener)."""
        first = ts_ms(event.start) // HOUR_MS * HOUR_MS
        hours = range(first, ts_ms(event.end) + 1, HOUR_MS)
        with self._cond:
            tags = self._pending.setdefault(event.enterprise_id, defaultdict(set))
            for tag in event.tag_ids:
                tags[tag].update(hours)
            self._last_envelope = max(self._last_envelope, event.envelope_id)
            self._cond.notify_all()

    def flush(self, timeout: float = 60.0) -> bool:
        """Wait until every event put so far was delivered; ``False`` on timeout."""
        return self._hurry_until(lambda: not self._pending and not self._busy, timeout)

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._pending or self._stopping)
                    if not self._pending:
                        return
                    # let a window's worth of commits gather (cut short by flush or stop)
                    self._cond.wait_for(lambda: self._stopping or self._hurry, self.window_s)
                    pending, self._pending, self._busy = self._pending, {}, True
                    self._hurry = False
                    envelope = self._last_envelope
                try:
                    for event in _merged(pending, envelope):
                        notify(event)
                finally:
                    with self._cond:
                        self._busy = False
                        self.delivered += 1
                        self._cond.notify_all()
        finally:
            from django.db import connection

            connection.close()


def _merged(pending: dict[int, dict[int, set[int]]], envelope: int) -> list[CommittedData]:
    """One event per enterprise and run of consecutive changed hours (inclusive ends)."""
    events = []
    for enterprise, tags in pending.items():
        hours = sorted(set().union(*tags.values()))
        runs: list[list[int]] = []
        for hour in hours:
            if runs and hour == runs[-1][1] + HOUR_MS:
                runs[-1][1] = hour
            else:
                runs.append([hour, hour])
        for start, last in runs:
            touched = frozenset(t for t, h in tags.items() if any(start <= x <= last for x in h))
            events.append(
                CommittedData(
                    enterprise_id=enterprise,
                    tag_ids=touched,
                    start=EPOCH + timedelta(milliseconds=start),
                    end=EPOCH + timedelta(milliseconds=last + HOUR_MS - 1),
                    envelope_id=envelope,
                )
            )
    return events


_slot: Slot[LiveWorker] = Slot()


def start_worker(window_s: float = 1.0) -> LiveWorker:
    """Start the process's worker (idempotent); :func:`publish` uses it from now on."""
    return _slot.start(lambda: LiveWorker(window_s).start())


def stop_worker() -> None:
    """Deliver what is pending and stop the process's worker (no-op when none runs)."""
    _slot.stop()


def publish(event: CommittedData) -> None:
    """Hand ``event`` to the worker, or to the listeners directly when none runs."""
    worker = _slot.worker
    if worker is None:
        notify(event)
    else:
        worker.put(event)


def flush(timeout: float = 60.0) -> bool:
    """Wait until the worker delivered everything published so far (``True`` without one)."""
    worker = _slot.worker
    return True if worker is None else worker.flush(timeout)
