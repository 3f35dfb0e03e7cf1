"""The store API (:class:`SampleStore`) and the write algorithm both engines share.

A write classifies each sample against what is stored — new (insert, version 1), identical
(duplicate: nothing changes), different value or flag at the same (tag, time) (correction: the
old version moves to history, the new one becomes current) — and maintains the rollups in the
same transaction: inserts add to their buckets, counter steps are re-diffed around every change,
and buckets a correction touched are rebuilt (hour from samples, day from hours, month from days).
Engines supply only storage primitives (ADR 0060).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from tanji.errors import CodedError
from tanji.timeseries import pending, rollups as ru
from tanji.timeseries.folding import Folding, deferring as _deferring, with_pending
from tanji.timeseries.samples import (
    VALID_FLAG,
    Int64Array,
    Resolution,
    RollupArrays,
    SampleArrays,
    SampleBatch,
    WriteResult,
)

RESOLUTIONS = (Resolution.HOUR, Resolution.DAY, Resolution.MONTH)
_TS_BITS = 42  # every accepted time (< 2100) is below 2**42 ms
_PARENTS = ((Resolution.DAY, Resolution.HOUR), (Resolution.MONTH, Resolution.DAY))


class SampleStore(Protocol):
    """What callers use; :func:`store_for` returns the engine's implementation."""

    def write(
        self,
        rows: SampleBatch | Iterable[tuple[Any, ...]],
        *,
        defer: bool | None = None,
        savepoint: bool = True,
    ) -> WriteResult:
        """Write samples idempotently and maintain rollups, in one transaction.

        ``defer``: leave the rollup changes as one pending row for the folder (ADR 0220);
        ``None`` defers while this process's roll-up folder runs.
        ``savepoint``: inside a caller's transaction, a failed write rolls back to a savepoint
        and the caller's transaction goes on. ``False`` when the caller's transaction is the
        unit (it rolls back whole on any failure, as a group commit does): on SQLite a
        savepoint copies every page the write changes into a statement journal (ADR 0257).
        """

    def fold_pending(self, limit: int = 256) -> int:
        """Apply up to ``limit`` pending rows to the rollups; how many were applied."""

    def move_recent(self) -> int:
        """Move samples parked by deferred writes into the sample table; how many were moved.

        SQLite parks the pure appends of a deferred write in a small table, so a group commit
        writes a few pages instead of one per tag (ADR 0261); the folder moves them in bulk.
        Readers see them either way. Other engines park nothing (0).
        """

    def read_samples(self, tag_id: int, start_ms: int, end_ms: int) -> SampleArrays:
        """Current version of each sample in ``[start_ms, end_ms)``."""

    def read_history(self, tag_id: int, start_ms: int, end_ms: int) -> SampleArrays:
        """Every version (superseded and current) in ``[start_ms, end_ms)``."""

    def read_rollups(
        self, tag_id: int, resolution: Resolution, start_ms: int, end_ms: int
    ) -> RollupArrays:
        """Stored rollups whose bucket starts in ``[start_ms, end_ms)``."""

    def recompute_rollups(
        self, tag_id: int, resolution: Resolution, start_ms: int, end_ms: int
    ) -> RollupArrays:
        """Rollups computed afresh from samples, for verification; writes nothing."""

    def rebuild_rollups(self, tag_id: int, start_ms: int, end_ms: int) -> int:
        """Recompute and store all rollups of the months overlapping the span; rows written."""


def store_for(connection: Any) -> SampleStore:
    """The store of a Django database connection (``django.db.connection`` or ``connections[…]``).

    Raises:
        CodedError: ``timeseries.unsupported_engine`` for a backend other than SQLite/PostgreSQL.
    """
    if connection.vendor == "sqlite":
        from tanji.timeseries.sqlite import SqliteStore

        return SqliteStore.for_django(connection)
    if connection.vendor == "postgresql":
        from tanji.timeseries.postgresql import PostgresStore

        return PostgresStore.for_django(connection)
    raise CodedError(
        "timeseries.unsupported_engine",
        "the time-series store runs on SQLite or PostgreSQL, not {vendor}",
        vendor=connection.vendor,
    )


@dataclass(frozen=True)
class Context:
    """What is stored around a batch: rows in each tag's [lo, hi], and neighbouring valid ones.

    ``old_*`` are sorted by (tag, time); ``edge_*`` hold each tag's last valid sample before lo
    and first valid one after hi, where they exist.
    """

    old_tag: Int64Array
    old_ts: Int64Array
    old_value: npt.NDArray[np.float64]
    old_flag: npt.NDArray[np.str_]
    old_version: Int64Array
    edge_tag: Int64Array
    edge_ts: Int64Array
    edge_value: npt.NDArray[np.float64]

    @classmethod
    def from_rows(cls, old: Sequence[Sequence[Any]], edges: Sequence[Sequence[Any]]) -> Context:
        """Build from query rows, so both engines share one conversion to arrays.

        ``old`` rows are (tag, ts, value, flag, version); ``edges`` rows are (tag, ts, value).
        """
        o = list(zip(*old, strict=True)) if old else [()] * 5
        e = list(zip(*edges, strict=True)) if edges else [()] * 3
        return cls(
            old_tag=np.array(o[0], np.int64),
            old_ts=np.array(o[1], np.int64),
            old_value=np.array(o[2], np.float64),
            old_flag=np.array(o[3], "<U1"),
            old_version=np.array(o[4], np.int64),
            edge_tag=np.array(e[0], np.int64),
            edge_ts=np.array(e[1], np.int64),
            edge_value=np.array(e[2], np.float64),
        )

    @classmethod
    def of(
        cls,
        old: Sequence[Sequence[Any]],
        edge_tag: Int64Array,
        edge_ts: Int64Array,
        edge_value: npt.NDArray[np.float64],
    ) -> Context:
        """Old rows as in :meth:`from_rows`, edge readings as arrays."""
        return cls.from_rows(old, []).with_edges(edge_tag, edge_ts, edge_value)

    def with_edges(
        self, tag: Int64Array, ts: Int64Array, value: npt.NDArray[np.float64]
    ) -> Context:
        """This context with more edge readings (of other tags)."""
        return replace(
            self,
            edge_tag=np.concatenate((self.edge_tag, tag)),
            edge_ts=np.concatenate((self.edge_ts, ts)),
            edge_value=np.concatenate((self.edge_value, value)),
        )


class BaseStore(Folding):
    """The write algorithm over engine primitives (the ``_`` methods subclasses implement)."""

    def write(
        self,
        rows: SampleBatch | Iterable[tuple[Any, ...]],
        *,
        defer: bool | None = None,
        savepoint: bool = True,
    ) -> WriteResult:
        """See :meth:`SampleStore.write`; raises ``SampleError`` for a bad row."""
        batch = rows if isinstance(rows, SampleBatch) else SampleBatch.from_rows(rows)
        batch.validate()
        result = WriteResult()
        if not len(batch):
            return result
        deferred: list[pending.Deltas] | None = [] if _deferring(defer) else None
        with self._transaction(savepoint):
            self._prepare(batch, deferred is not None)
            for round_ in _rounds(batch):
                result += self._write_round(round_, deferred)
            if deferred:  # only rounds that changed something leave deltas
                self._insert_pending(pending.pack(np.concatenate(deferred)))
        return result

    def move_recent(self) -> int:
        """See :meth:`SampleStore.move_recent` (nothing parked unless the engine says so)."""
        return 0

    def read_samples(self, tag_id: int, start_ms: int, end_ms: int) -> SampleArrays:
        """See :meth:`SampleStore.read_samples`."""
        return self._select_samples(tag_id, start_ms, end_ms, history=False)

    def read_history(self, tag_id: int, start_ms: int, end_ms: int) -> SampleArrays:
        """See :meth:`SampleStore.read_history`."""
        return self._select_samples(tag_id, start_ms, end_ms, history=True)

    def read_rollups(
        self, tag_id: int, resolution: Resolution, start_ms: int, end_ms: int
    ) -> RollupArrays:
        """See :meth:`SampleStore.read_rollups`; pending changes included (ADR 0220)."""
        stored, bodies = self._select_rollups_and_pending(tag_id, resolution, start_ms, end_ms)
        return with_pending(tag_id, resolution, start_ms, end_ms, stored, bodies)

    def recompute_rollups(
        self, tag_id: int, resolution: Resolution, start_ms: int, end_ms: int
    ) -> RollupArrays:
        """See :meth:`SampleStore.recompute_rollups` (whole buckets overlapping the span)."""
        lo, hi = _span(resolution, start_ms, end_ms)
        samples = self._select_samples(tag_id, lo, hi, history=False)
        return _fresh(tag_id, resolution, samples, self._previous_valid(tag_id, lo))

    def rebuild_rollups(self, tag_id: int, start_ms: int, end_ms: int) -> int:
        """Recompute and store every rollup of the months overlapping the span (repair job).

        Reads the samples once; returns how many rollup rows were written.
        """
        lo, hi = _span(Resolution.MONTH, start_ms, end_ms)
        with self._transaction():
            self._lock_tags(np.array([tag_id], np.int64))
            self._fold_tags(np.array([tag_id], np.int64), [])  # rebuilt: pending is stale
            samples = self._select_samples(tag_id, lo, hi, history=False)
            before = self._previous_valid(tag_id, lo)
            written = 0
            for resolution in RESOLUTIONS:
                table = _fresh(tag_id, resolution, samples, before)
                self._put_rollups(tag_id, resolution, table)
                written += len(table)
        return written

    # ------------------------------------------------------------------ the algorithm
    def _write_round(
        self, batch: SampleBatch, deferred: list[pending.Deltas] | None
    ) -> WriteResult:
        # a round is sorted by (tag, time) (see _rounds): each tag's rows are one run
        tag_id = batch.tag_id
        first = np.flatnonzero(np.concatenate(([True], tag_id[1:] != tag_id[:-1])))
        tags = tag_id[first]
        last = np.concatenate((first[1:], [len(batch)])) - 1
        ctx = self._context(tags, batch.ts[first], batch.ts[last])
        if ctx.old_tag.shape[0]:
            bkey = _key(tags, batch.tag_id, batch.ts)
            okey = _key(tags, ctx.old_tag, ctx.old_ts)
            pos = np.minimum(np.searchsorted(okey, bkey), okey.shape[0] - 1)
            matched = okey[pos] == bkey
            same = matched & (ctx.old_value[pos] == batch.value) & (ctx.old_flag[pos] == batch.flag)
            corrected = matched & ~same
            inserts = batch.take(np.flatnonzero(~matched))
            corrections = batch.take(np.flatnonzero(corrected))
        else:  # nothing stored in the spans: every sample is new
            pos = np.zeros(len(batch), np.intp)
            same = corrected = np.zeros(len(batch), bool)
            inserts, corrections = batch, batch.take(np.zeros(0, np.intp))
        self._store_samples(inserts, corrections, ctx.old_version[pos[corrected]] + 1)
        if deferred is not None and len(corrections):
            # a rebuild reads stored rollups: the corrected tags' pending changes go in first,
            # and this round's changes are applied at once
            self._fold_tags(np.unique(corrections.tag_id), deferred)
            deferred = None
        resolutions = RESOLUTIONS[:1] if deferred is not None else RESOLUTIONS
        valid = inserts.flag == VALID_FLAG
        added = [
            ru.aggregate(inserts.tag_id, inserts.ts, inserts.value, valid, resolution)
            for resolution in resolutions
        ]
        steps = self._maintain_steps(ctx, batch, pos, corrected, inserts, resolutions)
        if deferred is not None:
            deltas = pending.hour_deltas(added[0], steps[0])
            if deltas.shape[0]:
                deferred.append(deltas)
        else:
            for resolution, table, delta in zip(resolutions, added, steps, strict=True):
                self._add_rollups(resolution, table)
                if len(delta):
                    self._add_steps(resolution, delta)
        self._flush()
        if len(corrections):
            self._rebuild(corrections)
        return WriteResult(len(inserts), int(same.sum()), len(corrections))

    def _maintain_steps(
        self,
        ctx: Context,
        batch: SampleBatch,
        pos: npt.NDArray[np.intp],
        corrected: npt.NDArray[np.bool_],
        inserts: SampleBatch,
        resolutions: tuple[Resolution, ...],
    ) -> list[ru.Steps]:
        """Counter-step deltas where this round changed the valid-reading chain (ADR 0062).

        Without stored rows in the round's spans and with at most one edge reading per tag
        (every sample of the round later than all stored ones), the old chain has no step.
        """
        new_value, new_flag = ctx.old_value.copy(), ctx.old_flag.copy()
        new_value[pos[corrected]] = batch.value[corrected]
        new_flag[pos[corrected]] = batch.flag[corrected]
        old_chain = None
        if len(ctx.old_tag) or not _distinct(ctx.edge_tag):
            old_chain = _chain(ctx, ctx.old_tag, ctx.old_ts, ctx.old_value, ctx.old_flag)
        new_chain = _chain(
            ctx,
            np.concatenate((ctx.old_tag, inserts.tag_id)),
            np.concatenate((ctx.old_ts, inserts.ts)),
            np.concatenate((new_value, inserts.value)),
            np.concatenate((new_flag, inserts.flag)),
        )
        deltas = []
        for resolution in resolutions:
            new = ru.counter_steps(*new_chain, resolution)
            if old_chain is None:
                deltas.append(ru.changed(new))
            else:
                deltas.append(ru.step_delta(new, ru.counter_steps(*old_chain, resolution)))
        return deltas

    def _rebuild(self, corrections: SampleBatch) -> None:
        """Rebuild every bucket a correction touched: hours from samples, then days, months."""
        for tag_id in np.unique(corrections.tag_id).tolist():
            ts = corrections.ts[corrections.tag_id == tag_id]
            for hour in np.unique(ru.bucket_start(ts, Resolution.HOUR)).tolist():
                fresh = self.recompute_rollups(tag_id, Resolution.HOUR, hour, hour + 1)
                self._put_rollups(tag_id, Resolution.HOUR, fresh)
            for parent, child in _PARENTS:
                for start in np.unique(ru.bucket_start(ts, parent)).tolist():
                    end = int(ru.bucket_end(np.array([start], np.int64), parent)[0])
                    children = self._select_rollups(tag_id, child, start, end)
                    self._put_rollups(tag_id, parent, ru.combine(children, start))

    # ------------------------------------------------------------------ engine primitives
    def _transaction(self, savepoint: bool = True) -> AbstractContextManager[object]:
        """A transaction, or inside one a savepoint (none when ``savepoint`` is false)."""
        raise NotImplementedError

    def _prepare(self, batch: SampleBatch, deferring: bool) -> None:
        """Engine hook before a write: PostgreSQL takes tag locks and month partitions.

        ``deferring``: the write leaves its rollups pending (SQLite parks its pure appends too,
        ADR 0261).
        """

    def _context(self, tags: Int64Array, lo: Int64Array, hi: Int64Array) -> Context:
        raise NotImplementedError

    def _flush(self) -> None:
        """Engine hook: apply buffered rollup changes before the round's rebuilds read them."""

    def _store_samples(
        self, inserts: SampleBatch, corrections: SampleBatch, versions: Int64Array
    ) -> None:
        raise NotImplementedError

    def _add_rollups(self, resolution: Resolution, added: ru.TaggedRollups) -> None:
        raise NotImplementedError

    def _add_steps(self, resolution: Resolution, delta: ru.Steps) -> None:
        raise NotImplementedError

    def _put_rollups(self, tag_id: int, resolution: Resolution, table: RollupArrays) -> None:
        raise NotImplementedError

    def _select_samples(self, tag_id: int, start: int, end: int, *, history: bool) -> SampleArrays:
        raise NotImplementedError

    def _select_rollups(
        self, tag_id: int, resolution: Resolution, start: int, end: int
    ) -> RollupArrays:
        raise NotImplementedError

    def _previous_valid(self, tag_id: int, before_ms: int) -> tuple[int, float] | None:
        raise NotImplementedError


def _span(resolution: Resolution, start_ms: int, end_ms: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole buckets of ``resolution``."""
    lo = ru.bucket_start(np.array([start_ms], np.int64), resolution)
    hi = ru.bucket_end(ru.bucket_start(np.array([end_ms - 1], np.int64), resolution), resolution)
    return int(lo[0]), int(hi[0])


def _fresh(
    tag_id: int, resolution: Resolution, samples: SampleArrays, before: tuple[int, float] | None
) -> RollupArrays:
    """Rollups of one tag's samples; ``before`` is the last valid sample preceding them."""
    tags = np.full(len(samples), tag_id, np.int64)
    valid = samples.flag == VALID_FLAG
    table = ru.aggregate(tags, samples.ts, samples.value, valid, resolution).rollups
    chain_ts, chain_value = samples.ts[valid], samples.value[valid]
    if before is not None:
        chain_ts = np.concatenate(([before[0]], chain_ts))
        chain_value = np.concatenate(([before[1]], chain_value))
    chain_tags = np.full(chain_ts.shape[0], tag_id, np.int64)
    return ru.with_steps(table, ru.counter_steps(chain_tags, chain_ts, chain_value, resolution))


def _key(tags: Int64Array, tag_id: Int64Array, ts: Int64Array) -> Int64Array:
    """Sortable (tag, time) key: the tag's rank among the batch's tags, then the time."""
    return (np.searchsorted(tags, tag_id).astype(np.int64) << _TS_BITS) | ts


def _distinct(values: Int64Array) -> bool:
    """Whether no value occurs twice."""
    ordered = np.sort(values)
    return not bool((ordered[1:] == ordered[:-1]).any())


def _chain(
    ctx: Context,
    tag_id: Int64Array,
    ts: Int64Array,
    value: npt.NDArray[np.float64],
    flag: npt.NDArray[np.str_],
) -> tuple[Int64Array, Int64Array, npt.NDArray[np.float64]]:
    """Valid readings plus the edge readings, sorted by (tag, time)."""
    valid = flag == VALID_FLAG
    tags = np.concatenate((tag_id[valid], ctx.edge_tag))
    times = np.concatenate((ts[valid], ctx.edge_ts))
    values = np.concatenate((value[valid], ctx.edge_value))
    order = np.lexsort((times, tags))
    return tags[order], times[order], values[order]


def _rounds(batch: SampleBatch) -> Iterator[SampleBatch]:
    """Split a batch so each part has one row per (tag, time), kept in arrival order.

    The k-th occurrence of a (tag, time) in the batch goes to part k, so a batch that carries a
    reading and its correction behaves like two writes in that order.
    """
    order = np.lexsort((np.arange(len(batch)), batch.ts, batch.tag_id))
    tag_id, ts = batch.tag_id[order], batch.ts[order]
    new_key = np.concatenate(([True], (tag_id[1:] != tag_id[:-1]) | (ts[1:] != ts[:-1])))
    run_start = np.maximum.accumulate(np.where(new_key, np.arange(len(batch)), 0))
    occurrence = np.arange(len(batch)) - run_start
    for k in range(int(occurrence.max()) + 1):
        yield batch.take(order[occurrence == k])
