"""Post-commit notifications off the acknowledgement path: a coalescing background worker.

The live emission engine recomputes a 51-hour window per call (≈ 0.3 s, bench_emissions); run
inline it cost every acknowledgement that much (ADR 0150). :func:`publish` hands the event to
the running :class:`LiveWorker`, which merges what arrives within ``window_s`` into changed
(enterprise, tag, hour) sets and calls the listeners once per enterprise and run of
consecutive hours, covering every hour any event touched. Listeners recompute from the store,
so one call over the union gives what the calls one by one would (live == batch, R4.4).

Without a started worker (tests, one-off commands) :func:`publish` calls the listeners at once,
as before. Long-running entry points (gateway, web server) call :func:`start_worker`, taking
over what a stopped process left; :func:`flush` waits until everything published so far has
been delivered. With a worker, :func:`committing` also writes each accepted envelope to the
durable live backlog inside its commit transaction, and the worker drops it once delivered, so
every process can tell whether the figures have caught up with all intake (ADR 0235). A
listener that fails is called again for that event after a back-off, and the enterprise's
envelopes stay in the backlog until every listener has succeeded for them (ADR 0256).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from tanji.ingest import backlog
from tanji.ingest.listeners import CommittedData, Listener, notify, registered
from tanji.ingest.model import Committed
from tanji.timeseries.samples import EPOCH, ts_ms
from tanji.workers import Slot, WindowThread

__all__ = [
    "LiveStatus",
    "LiveWorker",
    "committing",
    "flush",
    "heard",
    "publish",
    "start_worker",
    "status",
    "stop_worker",
]

logger = logging.getLogger(__name__)
HOUR_MS = 3_600_000
#: One round of the worker: pending changes (enterprise → tag → hours), failed calls to retry,
#: the last envelope id, and the delivered envelopes by enterprise.
Round = tuple[
    dict[int, dict[int, set[int]]], list[tuple[Listener, CommittedData]], int, dict[int, set[int]]
]
#: A failed listener call is retried after this many seconds, doubling up to RETRY_MAX_S.
RETRY_FIRST_S, RETRY_MAX_S = 1.0, 60.0


@dataclass(frozen=True)
class LiveStatus:
    """A process's post-commit work: caught up when nothing is pending, busy or failing."""

    worker: bool  # False: listeners run inline, nothing is ever left pending
    pending: int  # changed (enterprise, tag, hour) entries not yet handed to the listeners
    busy: bool  # a round of listener calls is running
    delivered: int  # rounds delivered since the worker started
    failing: int = 0  # listener calls that failed and wait for their retry (ADR 0256)


class LiveWorker(WindowThread):
    """One thread delivering coalesced :class:`CommittedData` to the listeners."""

    def __init__(self, window_s: float = 1.0, *, take_over: bool = False) -> None:
        super().__init__("ingest-live", window_s)
        self.take_over = take_over  # first deliver every entry of the durable backlog
        self.delivered = 0  # listener rounds run (for tests and logs)
        self._pending: dict[int, dict[int, set[int]]] = {}
        self._last_envelope = 0
        self._envelopes: dict[int, set[int]] = {}  # envelopes of the pending events, by enterprise
        self._recorded: set[int] = set()  # envelopes in the durable backlog, not yet dropped
        self._failed: list[tuple[Listener, CommittedData]] = []  # calls to retry
        self._held: dict[int, set[int]] = {}  # delivered envelopes of enterprises with failures
        self._retry_at = 0.0
        self._retry_s = RETRY_FIRST_S
        self._busy = take_over  # reading the backlog counts as work (flush waits for it)

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
            self._envelopes.setdefault(event.enterprise_id, set()).add(event.envelope_id)
            self._cond.notify_all()

    def recorded(self, envelope_ids: Iterable[int]) -> None:
        """These envelopes are in the durable backlog: drop them once delivered."""
        with self._cond:
            self._recorded.update(envelope_ids)

    def flush(self, timeout: float = 60.0) -> bool:
        """Wait until every event put so far was delivered; ``False`` on timeout.

        A failed listener call waiting for its retry is tried at once (once per flush).
        """
        return self._hurry_until(
            lambda: not self._pending and not self._busy and not self._failed, timeout
        )

    def status(self) -> LiveStatus:
        """What is waiting now: changed (enterprise, tag, hour) entries and a round running."""
        with self._cond:
            pending = sum(len(h) for tags in self._pending.values() for h in tags.values())
            return LiveStatus(True, pending, self._busy, self.delivered, len(self._failed))

    def _take_over(self) -> None:
        """Queue every backlog entry (a stopped process's; a running one's twice: harmless).

        Entries another running process also delivers are recomputed twice, which changes
        nothing: listeners recompute from the store.
        """
        try:
            events = backlog.leftovers()
        except Exception:
            logger.exception("could not read the live backlog")
            events = []
        self.recorded(e.envelope_id for e in events)
        for event in events:
            self.put(event)
        with self._cond:
            self._busy = False
            self._cond.notify_all()

    def _run(self) -> None:
        try:
            if self.take_over:
                self._take_over()
            while (work := self._next_round()) is not None:
                pending, retry, envelope, done = work
                failed: list[tuple[Listener, CommittedData]] = []
                try:
                    for listener, event in retry:
                        failed += [(f, event) for f in notify(event, [listener])]
                    for event in _merged(pending, envelope):
                        failed += [(f, event) for f in notify(event)]
                finally:
                    with self._cond:
                        delivered = self._settle(done, failed)
                        self._busy = False
                        self.delivered += 1
                        self._cond.notify_all()
                _drop(delivered)
        finally:
            from django.db import connection

            connection.close()

    def _due(self) -> bool:
        """Failed calls are waiting and their back-off is over (or a flush asks for them)."""
        return bool(self._failed) and (self._hurry or time.monotonic() >= self._retry_at)

    def _next_round(self) -> Round | None:
        """Wait for work; take it: (pending changes, calls to retry, last envelope, delivered).

        ``None`` when stopping with nothing new: failed calls then stay in the durable backlog
        for the next process (ADR 0256).
        """
        with self._cond:
            while not (self._pending or self._due()):
                if self._stopping:
                    return None
                wait = max(self._retry_at - time.monotonic(), 0.01) if self._failed else None
                self._cond.wait(wait)
            if self._pending:  # let a window's worth of commits gather (cut short by flush or stop)
                self._cond.wait_for(lambda: self._stopping or self._hurry, self.window_s)
            retry = self._failed if self._due() else []
            if retry:
                self._failed = []
            pending, self._pending, self._busy = self._pending, {}, True
            self._hurry = False
            done = {e: ids & self._recorded for e, ids in self._envelopes.items()}
            for ids in done.values():
                self._recorded -= ids
            self._envelopes = {}
            return pending, retry, self._last_envelope, done

    def _settle(
        self, done: dict[int, set[int]], failed: list[tuple[Listener, CommittedData]]
    ) -> set[int]:
        """After a round (under the lock): the envelopes to drop from the backlog now.

        An enterprise with a failed call keeps its delivered envelopes (held) until a round
        ends with no failure of it; the back-off doubles while calls keep failing.
        """
        self._failed += failed
        if failed:
            self._retry_at = time.monotonic() + self._retry_s
            self._retry_s = min(self._retry_s * 2, RETRY_MAX_S)
        elif not self._failed:
            self._retry_s = RETRY_FIRST_S
        failing = {event.enterprise_id for _, event in self._failed}
        for enterprise, ids in done.items():
            self._held.setdefault(enterprise, set()).update(ids)
        drop: set[int] = set()
        for enterprise in [e for e in self._held if e not in failing]:
            drop |= self._held.pop(enterprise)
        return drop


def _drop(envelope_ids: set[int]) -> None:
    """Drop delivered envelopes from the backlog; a failure leaves them for the next worker."""
    if not envelope_ids:
        return
    try:
        backlog.drop(envelope_ids)
    except Exception:
        logger.exception(
            "could not drop %d delivered envelopes from the backlog", len(envelope_ids)
        )


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


def start_worker(window_s: float = 1.0, *, take_over: bool = False) -> LiveWorker:
    """Start the process's worker (idempotent); :func:`publish` uses it from now on.

    ``take_over``: the worker first delivers the durable backlog's entries (long-running
    entry points: what a stopped or crashed process left undelivered, ADR 0235).
    """
    return _slot.start(lambda: LiveWorker(window_s, take_over=take_over).start())


def stop_worker() -> None:
    """Deliver what is pending and stop the process's worker (no-op when none runs)."""
    _slot.stop()


def heard() -> bool:
    """Whether a published event reaches anything: a running worker or a listener."""
    return _slot.worker is not None or registered()


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


def status() -> LiveStatus:
    """This process's post-commit status (a process without a worker is always caught up)."""
    worker = _slot.worker
    return LiveStatus(False, 0, False, 0) if worker is None else worker.status()


def committing(results: Sequence[Committed]) -> list[CommittedData] | None:
    """Inside the commit transaction: backlog the accepted envelopes a worker will deliver.

    Without a worker the listeners run right after the commit, before the answer, so nothing
    is ever left behind and nothing is written (``None``). With one, the events written are
    returned, so the caller publishes them after the commit without building them again.
    """
    worker = _slot.worker
    if worker is None:
        return None
    events = backlog.events_of(results)
    if events:
        backlog.record(events)
        worker.recorded(e.envelope_id for e in events)
    return events
