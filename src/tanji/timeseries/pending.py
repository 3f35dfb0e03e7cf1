"""Deferred rollup changes: hour-level deltas as one blob per write, merged at any resolution.

A deferred write (ADR 0220) stores, beside its samples and in the same transaction, ONE row in
``timeseries_rollup_pending`` holding what it would have added to the hour rollups: per (tag,
hour) the new samples' aggregates with the counter-step delta folded in. Days and months need no
rows of their own: every aggregate field combines associatively (sums add, extremes take the
extreme, first/last take the earliest/latest time), and a counter step belongs to the bucket of
its later reading, so a day's step delta is the sum of its hours' deltas. :func:`merge` turns
any number of such rows — and the stored rollups themselves — into rollups of any resolution.

"No value" (a steps-only delta has no samples) is NaN for the extremes and values and the
sentinels :data:`NO_FIRST` / :data:`NO_LAST` for the times, so merging needs no masks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tanji.timeseries import rollups as ru
from tanji.timeseries.samples import ROLLUP_FIELDS, Int64Array, Resolution, RollupArrays

NO_FIRST, NO_LAST = np.iinfo(np.int64).max, np.iinfo(np.int64).min
_INTS = {"bucket", "count", "valid_count", "first_ts", "last_ts", "resets"}
#: One delta row: the tag, the bucket start, then the rollup fields (little-endian, packed).
DTYPE = np.dtype(
    [
        ("tag", "<i8"),
        *((name, "<i8" if name in _INTS else "<f8") for name in ("bucket", *ROLLUP_FIELDS)),
    ]
)
Deltas = npt.NDArray[Any]  # structured arrays of DTYPE


@dataclass(frozen=True)
class Pending:
    """One pending row's content and the bounds stored beside it (to skip it when reading)."""

    body: bytes
    lo_tag: int
    hi_tag: int
    lo_bucket: int
    hi_bucket: int


def hour_deltas(added: ru.TaggedRollups, steps: ru.Steps) -> Deltas:
    """The hour rollup changes of one write round: aggregates plus counter-step deltas.

    A step ends at a valid reading; when every step's hour also has new samples (always so when
    the round only appends), the steps are added to those rows and the result is already one
    row per (tag, hour), sorted — what :func:`merge` would make of it.
    """
    agg = from_rollups(added.tag_id, added.rollups)
    if not len(steps):
        return agg
    at = _rows_of(agg, steps.tag_id, steps.bucket)
    if at is not None:
        agg["increase"][at] += steps.increase
        agg["resets"][at] += steps.resets
        return agg
    extra = np.zeros(len(steps), DTYPE)
    extra["tag"], extra["bucket"] = steps.tag_id, steps.bucket
    extra["increase"], extra["resets"] = steps.increase, steps.resets
    _no_values(extra)
    return np.concatenate((agg, extra))


def _rows_of(rows: Deltas, tag: Int64Array, bucket: Int64Array) -> npt.NDArray[np.intp] | None:
    """Where each (tag, hour) is among ``rows`` (sorted, unique); ``None`` if one is not."""
    if not rows.shape[0]:
        return None
    low = min(int(rows["bucket"].min()), int(bucket.min()))
    span = (max(int(rows["bucket"].max()), int(bucket.max())) - low) // ru.HOUR_MS + 1
    if span * (max(int(rows["tag"].max()), int(tag.max())) + 1) >= 2**62:
        return None  # pragma: no cover - no such tag ids or spans
    key = rows["tag"] * span + (rows["bucket"] - low) // ru.HOUR_MS
    want = tag * span + (bucket - low) // ru.HOUR_MS
    at = np.minimum(np.searchsorted(key, want), key.shape[0] - 1)
    return at if bool((key[at] == want).all()) else None


def from_rollups(tag_id: Int64Array, table: RollupArrays) -> Deltas:
    """Rollup rows as delta rows (stored rollups are merged like any delta)."""
    rows = np.zeros(len(table), DTYPE)
    rows["tag"] = tag_id
    for name in ("bucket", *ROLLUP_FIELDS):
        rows[name] = getattr(table, name)
    empty = rows["count"] == 0
    if empty.any():
        rows[empty] = _no_values(rows[empty])
    return rows


def _no_values(rows: Deltas) -> Deltas:
    for name in ("min", "max", "first_value", "last_value"):
        rows[name] = np.nan
    rows["first_ts"], rows["last_ts"] = NO_FIRST, NO_LAST
    return rows


def pack(deltas: Deltas) -> Pending:
    """The pending row of a write's merged hour deltas."""
    merged = deltas if _one_per_hour(deltas) else merge(deltas, Resolution.HOUR)
    return Pending(
        merged.tobytes(),
        int(merged["tag"].min()),
        int(merged["tag"].max()),
        int(merged["bucket"].min()),
        int(merged["bucket"].max()),
    )


def _one_per_hour(rows: Deltas) -> bool:
    """Whether ``rows`` are already sorted with one row per (tag, hour), as merged."""
    tag, bucket = rows["tag"], rows["bucket"]
    later = (tag[1:] > tag[:-1]) | ((tag[1:] == tag[:-1]) & (bucket[1:] > bucket[:-1]))
    return bool(later.all())


def unpack(bodies: list[bytes]) -> Deltas:
    """The delta rows of pending bodies, concatenated."""
    parts = [np.frombuffer(body, DTYPE) for body in bodies]
    return np.concatenate(parts) if parts else np.zeros(0, DTYPE)


def merge(rows: Deltas, resolution: Resolution) -> Deltas:
    """One row per (tag, bucket of ``resolution``): the combination of every row in it."""
    if not rows.shape[0]:
        return np.zeros(0, DTYPE)
    bucket = ru.bucket_start(rows["bucket"], resolution)
    order = np.lexsort((bucket, rows["tag"]))
    rows, bucket = rows[order], bucket[order]
    change = (rows["tag"][1:] != rows["tag"][:-1]) | (bucket[1:] != bucket[:-1])
    starts = np.concatenate(([0], np.flatnonzero(change) + 1))
    out = np.zeros(starts.shape[0], DTYPE)
    out["tag"], out["bucket"] = rows["tag"][starts], bucket[starts]
    for name in ("count", "sum", "valid_count", "valid_sum", "increase", "resets"):
        out[name] = np.add.reduceat(rows[name], starts)
    out["min"] = np.fmin.reduceat(rows["min"], starts)
    out["max"] = np.fmax.reduceat(rows["max"], starts)
    # the earliest first time and the latest last time of each group, ties to the first and
    # the last row in input order: a pass over the rows, no further sort
    n = rows.shape[0]
    sizes = np.diff(np.append(starts, n))
    index = np.arange(n)
    first_ts = np.minimum.reduceat(rows["first_ts"], starts)
    last_ts = np.maximum.reduceat(rows["last_ts"], starts)
    at_first = np.where(rows["first_ts"] == np.repeat(first_ts, sizes), index, n)
    at_last = np.where(rows["last_ts"] == np.repeat(last_ts, sizes), index, -1)
    first = np.minimum.reduceat(at_first, starts)
    last = np.maximum.reduceat(at_last, starts)
    out["first_ts"], out["first_value"] = first_ts, rows["first_value"][first]
    out["last_ts"], out["last_value"] = last_ts, rows["last_value"][last]
    return out


def to_rollups(rows: Deltas) -> tuple[Int64Array, RollupArrays]:
    """Tags and rollup arrays of merged rows (times of value-less rows: their bucket)."""
    empty = rows["count"] == 0
    fields = {name: np.array(rows[name]) for name in ("bucket", *ROLLUP_FIELDS)}
    for name in ("first_ts", "last_ts"):
        fields[name][empty] = fields["bucket"][empty]
    return np.array(rows["tag"]), RollupArrays(**fields)
