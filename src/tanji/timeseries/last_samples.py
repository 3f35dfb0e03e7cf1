"""Each tag's last sample, remembered per SQLite connection between its own commits (ADR 0258).

A group commit of HJ 212 minute frames reads every tag's last sample before it writes (the
last-sample context, ADR 0248): two B-tree seeks per tag, ≈ 40 µs per frame of 20 tags. The
connection that wrote those samples already knows them. This memo keeps, per connection, what
the last-sample statement would answer for a tag — ``(time, value)``, the time ``-2`` when the
last sample is flagged — and is trusted only while nothing else can have changed it:

- ``PRAGMA data_version`` of the connection changes whenever ANOTHER connection (thread or
  process) commits to the database; the memo is checked inside the write transaction, which
  holds the write lock, and emptied when the version moved. Our own commits do not move it.
- What a write learns is remembered only once its transaction commits (``on_commit``); inside
  the transaction the written tags are forgotten at once, so a later round reads them afresh,
  and a rollback leaves nothing behind but forgotten tags.
- A tag written by the general path (late, re-sent, corrected samples) is forgotten, not
  predicted.
- ``clear_all`` empties every memo (a database flush or migration runs on the same connection
  without moving its data version).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from tanji.timeseries.samples import VALID_FLAG, Int64Array, SampleBatch

__all__ = ["FLAGGED", "NONE", "LastSamples", "clear_all"]

#: The time the last-sample statement answers for a tag without samples, and for one whose last
#: sample is flagged.
NONE, FLAGGED = -1, -2
#: Tags remembered per connection before the memo starts over (≈ 100 bytes each).
MAX_TAGS = 200_000

_memos: weakref.WeakSet[LastSamples] = weakref.WeakSet()
_memos_lock = threading.Lock()


class LastSamples:
    """The memo of one connection (see the module docstring).

    Args:
        db: the ``sqlite3`` connection (for its data version).
        on_commit: registers a callable to run after the current transaction commits (and to
            be dropped if it rolls back).
    """

    def __init__(self, db: Any, on_commit: Callable[[Callable[[], None]], None]) -> None:
        self.db = db
        self._on_commit = on_commit
        self._version: int | None = None
        self._known: dict[int, tuple[int, float]] = {}
        with _memos_lock:
            _memos.add(self)

    def clear(self) -> None:
        """Forget every tag."""
        self._known.clear()
        self._version = None

    def look_up(
        self, tags: Int64Array
    ) -> tuple[Int64Array, np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, Any]]:
        """``(time, value, known)`` per tag; call inside the write transaction.

        Unknown tags have time ``NONE`` and must be read from the database.
        """
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self._known.clear()
            self._version = version
        known = self._known
        ts = np.full(tags.shape[0], NONE, np.int64)
        value = np.zeros(tags.shape[0], np.float64)
        hit = np.zeros(tags.shape[0], bool)
        if known:
            for i, tag in enumerate(tags.tolist()):
                entry = known.get(tag)
                if entry is not None:
                    ts[i], value[i] = entry
                    hit[i] = True
        return ts, value, hit

    def wrote(self, fresh: Int64Array, inserts: SampleBatch, others: Int64Array) -> None:
        """After a round's statements: ``fresh`` tags got only the later samples in ``inserts``.

        ``others`` went the general path. Every one of them is forgotten now; at commit the
        fresh tags' last samples are remembered and the others forgotten again (in write order,
        so a later round of the same transaction has the last word).
        """
        known = self._known
        for tag in (*fresh.tolist(), *others.tolist()):
            known.pop(tag, None)
        if not fresh.shape[0] and not others.shape[0]:
            return
        learned = _last_of(fresh, inserts)
        forgotten = others.tolist()

        def remember() -> None:
            if len(known) + len(learned) > MAX_TAGS:
                known.clear()
            known.update(learned)
            for tag in forgotten:
                known.pop(tag, None)

        self._on_commit(remember)


def _last_of(tags: Int64Array, inserts: SampleBatch) -> dict[int, tuple[int, float]]:
    """The last sample of each of ``tags`` among ``inserts`` (sorted by tag, then time)."""
    if not tags.shape[0]:
        return {}
    at = np.searchsorted(inserts.tag_id, tags, side="right") - 1
    ts = np.where(inserts.flag[at] == VALID_FLAG, inserts.ts[at], FLAGGED)
    return dict(
        zip(tags.tolist(), zip(ts.tolist(), inserts.value[at].tolist(), strict=True), strict=True)
    )


def clear_all(*_: Any, **__: Any) -> None:
    """Empty every connection's memo (signal receiver: flush, migrate)."""
    with _memos_lock:
        memos = list(_memos)
    for memo in memos:
        memo.clear()
