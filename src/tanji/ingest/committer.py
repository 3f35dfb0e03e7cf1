"""Group commit for concurrent entry points: submissions that arrive together share a commit.

A commit costs one transaction, one log lock, one store write and one fsync whatever it holds,
so committing concurrently arriving submissions together multiplies throughput (ADR 0151).
Every caller still gets its own :class:`~tanji.ingest.pipeline.Outcome` only after the
shared commit returned, so acknowledgements keep following durability; a database failure is
raised to every caller of that group (nothing of it is acknowledged; the senders retry).

- :class:`Committer` — a worker thread with a queue, for event-driven gateways (HJ 212 on
  asyncio, the MQTT network thread): :meth:`Committer.submit` returns a future at once. The
  thread takes everything queued (up to ``max_group``), waiting at most ``max_wait_s`` for more
  when the group is small, so a busy gateway commits in groups while an idle one adds no delay
  worth speaking of.
- :class:`SharedCommit` — leader/follower for thread-per-request servers (the HTTPS view):
  the first waiting thread commits for everyone queued behind it, using its own connection.
  Nothing is waited for deliberately; groups form while the previous commit runs.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future

from tanji.ingest.model import Submission
from tanji.ingest.pipeline import Outcome, ingest_many, release_connection

__all__ = ["Committer", "SharedCommit"]


class Committer:
    """A worker thread committing queued submissions in groups (see the module docstring).

    Args:
        max_group: most submissions in one commit.
        max_wait_s: how long a group smaller than ``max_group`` waits for more arrivals.
        ingest: the group function (:func:`~tanji.ingest.pipeline.ingest_many`; tests wrap it).
    """

    def __init__(
        self,
        *,
        max_group: int = 256,
        max_wait_s: float = 0.002,
        ingest: Callable[[list[Submission]], list[Outcome]] = ingest_many,
    ) -> None:
        self.max_group = max_group
        self.max_wait_s = max_wait_s
        self.groups = 0  # commits made (with the submissions they held: ``submitted``)
        self.submitted = 0
        self._ingest = ingest
        self._queue: deque[tuple[Submission, Future[Outcome]]] = deque()
        self._cond = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="ingest-commit", daemon=True)
        self._thread.start()

    def submit(self, submission: Submission) -> Future[Outcome]:
        """Queue ``submission``; the future resolves after its group's commit."""
        future: Future[Outcome] = Future()
        with self._cond:
            if self._closing:
                raise RuntimeError("the committer is closed")
            self._queue.append((submission, future))
            self._cond.notify()
        return future

    def close(self) -> None:
        """Commit what is queued, then stop the thread (closing its database connection)."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join()

    def _finished(self) -> bool:
        with self._cond:
            return self._closing and not self._queue

    def _take(self) -> list[tuple[Submission, Future[Outcome]]]:
        with self._cond:
            self._cond.wait_for(lambda: self._queue or self._closing)
            if self._queue and len(self._queue) < self.max_group and not self._closing:
                deadline = time.monotonic() + self.max_wait_s
                self._cond.wait_for(
                    lambda: len(self._queue) >= self.max_group or self._closing,
                    max(0.0, deadline - time.monotonic()),
                )
            n = min(len(self._queue), self.max_group)
            taken = [self._queue.popleft() for _ in range(n)]
        # A caller that gave up (cancelled its future) is not committed: it was told nothing.
        return [(s, f) for s, f in taken if f.set_running_or_notify_cancel()]

    def _run(self) -> None:
        try:
            while (group := self._take()) or not self._finished():
                if group:
                    self.groups += 1
                    self.submitted += len(group)
                    _settle(group, self._ingest)
        finally:
            release_connection()


def _settle(
    group: list[tuple[Submission, Future[Outcome]]],
    ingest: Callable[[list[Submission]], list[Outcome]],
) -> None:
    """Run one group and resolve its futures (every one fails when the commit failed)."""
    try:
        outcomes = ingest([s for s, _ in group])
    except BaseException as error:
        for _, future in group:
            future.set_exception(error)
        return
    for (_, future), outcome in zip(group, outcomes, strict=True):
        future.set_result(outcome)


class SharedCommit:
    """Leader/follower group commit in the callers' own threads (see the module docstring)."""

    def __init__(self, max_group: int = 256) -> None:
        self.max_group = max_group
        self.groups = 0  # commits made (with the submissions they held: ``submitted``)
        self.submitted = 0
        self._cond = threading.Condition()
        self._queue: deque[tuple[Submission, Future[Outcome]]] = deque()
        self._leading = False

    def ingest(self, submission: Submission) -> Outcome:
        """Ingest ``submission``, in a group with whatever arrived meanwhile; blocks."""
        future: Future[Outcome] = Future()
        with self._cond:
            self._queue.append((submission, future))
            self._cond.wait_for(lambda: future.done() or not self._leading)
            if future.done():
                return future.result()
            self._leading = True
        try:
            while not future.done():
                with self._cond:
                    n = min(len(self._queue), self.max_group)
                    group = [self._queue.popleft() for _ in range(n)]
                    self.groups += 1
                    self.submitted += n
                _settle(group, ingest_many)
                with self._cond:
                    self._cond.notify_all()  # followers of that group may answer now
        finally:
            with self._cond:
                self._leading = False
                self._cond.notify_all()
        return future.result()
