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
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from tanji.ingest.listeners import CommittedData, notify
from tanji.timeseries.samples import EPOCH, ts_ms

__all__ = ["LiveStatus", "LiveWorker", "flush", "publish", "start_worker", "status", "stop_worker"]

logger = logging.getLogger(__name__)
HOUR_MS = 3_600_000


@dataclass(frozen=True)
class LiveStatus:
    """A process's post-commit work: caught up when ``pending == 0 and not busy`` (ADR 0235)."""

    worker: bool  # False: listeners run inline, nothing is ever left pending
    pending: int  # changed (enterprise, tag, hour) entries not yet handed to the listeners
    busy: bool  # a round of listener calls is running
    delivered: int  # rounds delivered since the worker started


class LiveWorker:
    """One thread delivering coalesced :class:`CommittedData` to the listeners."""

    def __init__(self, window_s: float = 1.0) -> None:
        self.window_s = window_s
        self.delivered = 0  # listener rounds run (for tests and logs)
        self._cond = threading.Condition()
        self._pending: dict[int, dict[int, set[int]]] = {}
        self._last_envelope = 0
        self._busy = False
        self._hurry = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="ingest-live", daemon=True)

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
        with self._cond:
            self._hurry = True
            self._cond.notify_all()
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout)

    def status(self) -> LiveStatus:
        """What is waiting now: changed (enterprise, tag, hour) entries and a round running."""
        with self._cond:
            pending = sum(len(h) for tags in self._pending.values() for h in tags.values())
            return LiveStatus(True, pending, self._busy, self.delivered)

    def stop(self) -> None:
        """Deliver what is pending, then end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()

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


_worker: LiveWorker | None = None


def start_worker(window_s: float = 1.0) -> LiveWorker:
    """Start the process's worker (idempotent); :func:`publish` uses it from now on."""
    global _worker
    if _worker is None:
        _worker = LiveWorker(window_s).start()
    return _worker


def stop_worker() -> None:
    """Deliver what is pending and stop the process's worker (no-op when none runs)."""
    global _worker
    worker, _worker = _worker, None
    if worker is not None:
        worker.stop()


def publish(event: CommittedData) -> None:
    """Hand ``event`` to the worker, or to the listeners directly when none runs."""
    worker = _worker
    if worker is None:
        notify(event)
    else:
        worker.put(event)


def flush(timeout: float = 60.0) -> bool:
    """Wait until the worker delivered everything published so far (``True`` without one)."""
    worker = _worker
    return True if worker is None else worker.flush(timeout)


def status() -> LiveStatus:
    """This process's post-commit status (a process without a worker is always caught up)."""
    worker = _worker
    return LiveStatus(False, 0, False, 0) if worker is None else worker.status()
