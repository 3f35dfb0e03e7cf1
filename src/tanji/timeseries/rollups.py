"""Rollup arithmetic in NumPy: buckets, per-bucket aggregates, counter steps.

Pure functions over sorted arrays, shared by both engines, by incremental maintenance and by the
from-scratch recomputation that verifies it — one definition, so the two cannot drift.

Buckets (ADR 0061): hours are UTC hours; days and months are China Standard Time (UTC+8, no
daylight saving since 1991) calendar days and months, because plant reports close at local
midnight. Every bucket is stored as the UTC epoch millisecond of its start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tanji.timeseries.samples import FloatArray, Int64Array, Resolution, RollupArrays

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
#: China Standard Time offset of day and month buckets (fixed; China has no DST).
LOCAL_OFFSET_MS = 8 * HOUR_MS
#: A counter reading below this fraction of the previous one is a reset (Home Assistant's rule):
#: smaller drops are jitter and count as a negative step that the next rise cancels.
RESET_RATIO = 0.9

BoolArray = npt.NDArray[np.bool_]


def bucket_start(ts: Int64Array, resolution: Resolution) -> Int64Array:
    """Start (UTC epoch ms) of the bucket holding each time."""
    if resolution is Resolution.HOUR:
        return ts - ts % HOUR_MS
    local = ts + LOCAL_OFFSET_MS
    if resolution is Resolution.DAY:
        return local - local % DAY_MS - LOCAL_OFFSET_MS
    months = local.astype("datetime64[ms]").astype("datetime64[M]")
    return months.astype("datetime64[ms]").astype(np.int64) - LOCAL_OFFSET_MS


def bucket_end(start: Int64Array, resolution: Resolution) -> Int64Array:
    """End (exclusive) of buckets starting at ``start``."""
    if resolution is Resolution.HOUR:
        return start + HOUR_MS
    if resolution is Resolution.DAY:
        return start + DAY_MS
    months = (start + LOCAL_OFFSET_MS).astype("datetime64[ms]").astype("datetime64[M]") + 1
    return months.astype("datetime64[ms]").astype(np.int64) - LOCAL_OFFSET_MS


def _group_starts(tag_id: Int64Array, bucket: Int64Array) -> npt.NDArray[np.intp]:
    """Indices where a new (tag, bucket) run begins in arrays sorted by (tag, time)."""
    change = (tag_id[1:] != tag_id[:-1]) | (bucket[1:] != bucket[:-1])
    return np.concatenate(([0], np.flatnonzero(change) + 1)).astype(np.intp)


@dataclass(frozen=True)
class TaggedRollups:
    """Rollups of several tags: ``tag_id`` beside the columns of :class:`RollupArrays`."""

    tag_id: Int64Array
    rollups: RollupArrays

    def __len__(self) -> int:
        return int(self.tag_id.shape[0])


def aggregate(
    tag_id: Int64Array,
    ts: Int64Array,
    value: FloatArray,
    valid: BoolArray,
    resolution: Resolution,
) -> TaggedRollups:
    """Per-(tag, bucket) count, sum, min, max, valid count/sum, first/last of sorted samples.

    ``increase`` and ``resets`` are zero here; :func:`counter_steps` supplies them. Input must be
    sorted by (tag, time).
    """
    if ts.shape[0] == 0:
        return TaggedRollups(np.zeros(0, np.int64), RollupArrays.from_records([]))
    bucket = bucket_start(ts, resolution)
    starts = _group_starts(tag_id, bucket)
    last = np.concatenate((starts[1:], [ts.shape[0]])) - 1
    valid_value = np.where(valid, value, 0.0)
    zeros = np.zeros(starts.shape[0])
    return TaggedRollups(
        tag_id[starts],
        RollupArrays(
            bucket=bucket[starts],
            count=(last - starts + 1).astype(np.int64),
            sum=np.add.reduceat(value, starts),
            min=np.minimum.reduceat(value, starts),
            max=np.maximum.reduceat(value, starts),
            valid_count=np.add.reduceat(valid.astype(np.int64), starts),
            valid_sum=np.add.reduceat(valid_value, starts),
            first_ts=ts[starts],
            first_value=value[starts],
            last_ts=ts[last],
            last_value=value[last],
            increase=zeros,
            resets=zeros.astype(np.int64),
        ),
    )


@dataclass(frozen=True)
class Steps:
    """Counter increase and reset count per (tag, bucket), from consecutive valid readings."""

    tag_id: Int64Array
    bucket: Int64Array
    increase: FloatArray
    resets: Int64Array

    def __len__(self) -> int:
        return int(self.tag_id.shape[0])


def counter_steps(
    tag_id: Int64Array, ts: Int64Array, value: FloatArray, resolution: Resolution
) -> Steps:
    """Sum the steps between consecutive readings of each tag into the bucket of the later one.

    The chain must hold only valid readings, sorted by (tag, time). A drop below
    :data:`RESET_RATIO` of the previous reading is a reset (or a register roll-over, which the
    store cannot tell apart): the step is then the new reading itself, i.e. the counter counted
    up from zero (Home Assistant's ``total_increasing`` rule; ADR 0062).
    """
    same_tag = tag_id[1:] == tag_id[:-1]
    before, after = value[:-1][same_tag], value[1:][same_tag]
    reset = after < RESET_RATIO * before
    step = np.where(reset, after, after - before)
    later_ts = ts[1:][same_tag]
    return sum_steps(
        tag_id[1:][same_tag],
        bucket_start(later_ts, resolution),
        step,
        reset.astype(np.int64),
    )


def sum_steps(
    tag_id: Int64Array, bucket: Int64Array, increase: FloatArray, resets: Int64Array
) -> Steps:
    """Group step contributions by (tag, bucket), in any input order."""
    if tag_id.shape[0] == 0:
        empty = np.zeros(0, np.int64)
        return Steps(empty, empty, np.zeros(0), empty)
    order = np.lexsort((bucket, tag_id))
    tag_id, bucket = tag_id[order], bucket[order]
    starts = _group_starts(tag_id, bucket)
    return Steps(
        tag_id[starts],
        bucket[starts],
        np.add.reduceat(increase[order], starts),
        np.add.reduceat(resets[order], starts),
    )


def step_delta(new: Steps, old: Steps) -> Steps:
    """``new - old`` per (tag, bucket), dropping buckets whose contribution did not change."""
    summed = sum_steps(
        np.concatenate((new.tag_id, old.tag_id)),
        np.concatenate((new.bucket, old.bucket)),
        np.concatenate((new.increase, -old.increase)),
        np.concatenate((new.resets, -old.resets)),
    )
    return changed(summed)


def changed(steps: Steps) -> Steps:
    """The buckets whose contribution is not zero."""
    keep = (steps.increase != 0) | (steps.resets != 0)
    return Steps(steps.tag_id[keep], steps.bucket[keep], steps.increase[keep], steps.resets[keep])


def with_steps(rollups: RollupArrays, tag_steps: Steps) -> RollupArrays:
    """One tag's rollups with ``increase``/``resets`` filled from its steps."""
    increase = np.zeros(len(rollups))
    resets = np.zeros(len(rollups), np.int64)
    if len(tag_steps):
        at = np.searchsorted(rollups.bucket, tag_steps.bucket)
        increase[at] = tag_steps.increase
        resets[at] = tag_steps.resets
    return _replace(rollups, increase=increase, resets=resets)


def combine(children: RollupArrays, parent_bucket: int) -> RollupArrays:
    """One parent rollup (a day from its hours, a month from its days); children sorted."""
    return RollupArrays(
        bucket=np.array([parent_bucket], np.int64),
        count=np.array([children.count.sum()], np.int64),
        sum=np.array([children.sum.sum()]),
        min=np.array([children.min.min()]),
        max=np.array([children.max.max()]),
        valid_count=np.array([children.valid_count.sum()], np.int64),
        valid_sum=np.array([children.valid_sum.sum()]),
        first_ts=children.first_ts[:1],
        first_value=children.first_value[:1],
        last_ts=children.last_ts[-1:],
        last_value=children.last_value[-1:],
        increase=np.array([children.increase.sum()]),
        resets=np.array([children.resets.sum()], np.int64),
    )


def _replace(rollups: RollupArrays, **columns: npt.NDArray[np.generic]) -> RollupArrays:
    fields = {name: getattr(rollups, name) for name in rollups.__dataclass_fields__}
    fields.update(columns)
    return RollupArrays(**fields)
