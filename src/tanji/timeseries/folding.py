"""Folding deferred rollup changes into the rollups, and reading rollups with them (ADR 0220).

A deferred write leaves its rollup changes as one ``timeseries_rollup_pending`` row
(:mod:`.pending`) committed with its samples, so the changes are as durable as the samples: a
crash loses nothing, and whoever folds next (the roll-up folder of any process, at its start
too) applies them. Until then every reader gets stored + pending merged, read in ONE statement
so that a fold committing in between cannot make a change count twice or not at all.

Folding order: the pending rows are read without locks, their tags locked (PostgreSQL: the
store's sorted advisory locks, as a write takes them), then the rows are claimed with
``DELETE … RETURNING`` and what that returns is applied — a row another folder took meanwhile
comes back empty, and a row a correcting write trimmed comes back trimmed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tanji.timeseries import pending, rollups as ru
from tanji.timeseries.samples import Int64Array, Resolution, RollupArrays

__all__ = ["Folding", "deferring", "deferring_rollups", "with_pending"]

_RESOLUTIONS = (Resolution.HOUR, Resolution.DAY, Resolution.MONTH)
_TABLE = "timeseries_rollup_pending"
_MONTH_MS = 32 * ru.DAY_MS
_state = threading.local()
_process = {"defer": False}


def deferring(explicit: bool | None = None) -> bool:
    """Whether a write defers: ``explicit`` if given, else while a folder runs here."""
    if explicit is not None:
        return explicit
    return bool(getattr(_state, "defer", _process["defer"]))


def set_process_default(defer: bool) -> None:
    """Writes of every thread defer (the folder sets it while it runs)."""
    _process["defer"] = defer


@contextmanager
def deferring_rollups(defer: bool = True) -> Iterator[None]:
    """This thread's writes defer (or not) inside the block, whatever the process does."""
    before = getattr(_state, "defer", None)
    _state.defer = defer
    try:
        yield
    finally:
        if before is None:
            del _state.defer
        else:
            _state.defer = before


def with_pending(
    tag_id: int,
    resolution: Resolution,
    start_ms: int,
    end_ms: int,
    stored: RollupArrays,
    bodies: list[bytes],
) -> RollupArrays:
    """``stored`` rollups of one tag with the pending changes of its buckets merged in."""
    rows = pending.unpack(bodies)
    rows = rows[rows["tag"] == tag_id]
    if not rows.shape[0]:
        return stored
    starts = ru.bucket_start(rows["bucket"], resolution)
    rows = rows[(starts >= start_ms) & (starts < end_ms)]
    if not rows.shape[0]:
        return stored
    both = np.concatenate((pending.from_rollups(np.full(len(stored), tag_id), stored), rows))
    return pending.to_rollups(pending.merge(both, resolution))[1]


class Folding:
    """Fold and read-merge of pending rows over engine primitives (mixed into the store)."""

    def fold_pending(self, limit: int = 256) -> int:
        """Apply up to ``limit`` pending rows (oldest first) in one transaction; rows applied.

        The rows are read and merged before the write transaction begins, so the write lock
        (SQLite's is global) is held for the upserts only; what the claiming ``DELETE`` returns
        is merged again only if it differs from what was read (a row trimmed by a correcting
        write or claimed by another folder in between).
        """
        listed = self._pending_rows(None, limit)
        if not listed:
            return 0
        read = [body for _, body in listed]
        plan = _plan(pending.merge(pending.unpack(read), Resolution.HOUR))
        with self._transaction():
            self._lock_tags(np.unique(plan[0].tags))
            bodies = self._delete_pending([row_id for row_id, _ in listed])
            if sorted(bodies) != sorted(read):
                plan = _plan(pending.merge(pending.unpack(bodies), Resolution.HOUR))
            self._apply_plan(plan)
        return len(bodies)

    def _fold_tags(self, tags: Int64Array, deferred: list[pending.Deltas]) -> None:
        """Apply the pending changes of ``tags`` and the write's own deferred ones now.

        Runs in the caller's transaction with ``tags`` locked; other tags' changes stay pending.
        """
        taken = list(deferred)
        deferred.clear()
        for row_id, body in self._pending_rows((int(tags.min()), int(tags.max())), None):
            rows = np.frombuffer(body, pending.DTYPE)
            mine = np.isin(rows["tag"], tags)
            if mine.any():
                taken.append(rows[mine])
                rest = rows[~mine]
                self._replace_pending(row_id, pending.pack(rest) if rest.shape[0] else None)
        if taken:
            self._apply(np.concatenate(taken))

    def _apply(self, rows: pending.Deltas) -> None:
        """Add hour deltas to the hour, day and month rollups."""
        self._apply_plan(_plan(pending.merge(rows, Resolution.HOUR)))

    def _apply_plan(self, plan: list[_Upserts]) -> None:
        for part in plan:
            self._fold_rows(part.resolution, part.tags, part.table, part.empty)
        self._flush()

    def _select_rollups_and_pending(
        self, tag_id: int, resolution: Resolution, start: int, end: int
    ) -> tuple[RollupArrays, list[bytes]]:
        """Stored rollups and the bodies of pending rows that may touch them (one snapshot)."""
        raise NotImplementedError

    # engine primitives
    def _transaction(self) -> AbstractContextManager[object]:
        raise NotImplementedError

    def _flush(self) -> None:
        raise NotImplementedError

    def _lock_tags(self, tags: Int64Array) -> None:
        """Engine hook: take the tags' write locks (PostgreSQL; SQLite's write lock is global)."""

    def _sql(self, statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Run one statement (``%s`` placeholders); its rows, if it returns any."""
        raise NotImplementedError

    def _insert_pending(self, row: pending.Pending) -> None:
        self._sql(
            f"INSERT INTO {_TABLE} (lo_tag, hi_tag, lo_bucket, hi_bucket, body) "
            "VALUES (%s, %s, %s, %s, %s)",
            (row.lo_tag, row.hi_tag, row.lo_bucket, row.hi_bucket, row.body),
        )

    def _pending_rows(
        self, tags: tuple[int, int] | None, limit: int | None
    ) -> list[tuple[int, bytes]]:
        """``(id, body)`` of pending rows (all, or those whose tag bounds meet ``tags``)."""
        where = "" if tags is None else "WHERE lo_tag <= %s AND hi_tag >= %s"
        params: tuple[int, ...] = () if tags is None else (tags[1], tags[0])
        query = f"SELECT id, body FROM {_TABLE} {where} ORDER BY id"
        if limit is not None:
            query, params = query + " LIMIT %s", (*params, limit)
        return [(int(i), bytes(b)) for i, b in self._sql(query, params)]

    def _delete_pending(self, ids: list[int]) -> list[bytes]:
        """Delete these rows; the bodies of those that were still there."""
        raise NotImplementedError

    def _replace_pending(self, row_id: int, row: pending.Pending | None) -> None:
        """Replace a pending row's content (``None``: delete it)."""
        if row is None:
            self._sql(f"DELETE FROM {_TABLE} WHERE id = %s", (row_id,))
            return
        self._sql(
            f"UPDATE {_TABLE} SET lo_tag = %s, hi_tag = %s, lo_bucket = %s, hi_bucket = %s, "
            "body = %s WHERE id = %s",
            (row.lo_tag, row.hi_tag, row.lo_bucket, row.hi_bucket, row.body, row_id),
        )

    def _fold_rows(
        self, resolution: Resolution, tags: Int64Array, table: RollupArrays, empty: np.ndarray
    ) -> None:
        """Add rollup changes (``empty`` rows: counter steps only, their extremes NULL)."""
        raise NotImplementedError


@dataclass(frozen=True)
class _Upserts:
    """The rollup changes of one resolution, as :meth:`Folding._fold_rows` takes them."""

    resolution: Resolution
    tags: Int64Array
    table: RollupArrays
    empty: npt.NDArray[np.bool_]  # counter steps only: no samples, no extremes


def _plan(hours: pending.Deltas) -> list[_Upserts]:
    """Upserts of merged hour deltas at every resolution (hour first).

    Days and months are merged from the merged hours (few rows: one per tag and hour), which
    every field allows (see :mod:`.pending`). Built before a fold takes the write lock.
    """
    plan = []
    for resolution in _RESOLUTIONS:
        merged = hours if resolution is Resolution.HOUR else pending.merge(hours, resolution)
        tags, table = pending.to_rollups(merged)
        plan.append(_Upserts(resolution, tags, table, merged["count"] == 0))
    return plan


def pending_window(start: int, end: int) -> tuple[int, int]:
    """Hour bounds of pending rows that may hold buckets starting in ``[start, end)``."""
    return start, end + _MONTH_MS
