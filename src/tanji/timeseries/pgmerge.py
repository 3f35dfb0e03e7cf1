"""A PostgreSQL write's rollup changes as COPY columns: one row per (tag, resolution, bucket).

A write produces two kinds of rollup change: the new samples' aggregates (added to their
buckets) and counter-step deltas (added to ``increase``/``resets``), mostly for the SAME buckets.
Folding each step delta into its bucket's aggregate row halves the rows the upsert has to merge
(the upsert was a sixth of a write's server time); a step delta for a bucket without new
samples stays a row of its own whose aggregate fields are zero counts and NULL extremes, which
the merge leaves untouched (ADR 0170).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from tanji.timeseries import rollups as ru
from tanji.timeseries.pgcopy import Column
from tanji.timeseries.samples import ROLLUP_FIELDS, Int64Array, Resolution, RollupArrays

_INTS = {"bucket", "count", "valid_count", "first_ts", "last_ts", "resets"}
#: (COPY type, field) of each column after (tag_id, resolution).
KINDS = [("int8" if name in _INTS else "float8", name) for name in ("bucket", *ROLLUP_FIELDS)]
#: Aggregate fields that are NULL in a steps-only row (no sample of that bucket in the write).
_EXTREMES = {"min", "max", "first_ts", "first_value", "last_ts", "last_value"}

Parts = tuple[npt.NDArray[Any], ...]


def rollup_parts(tag_id: Int64Array, resolution: Resolution, table: RollupArrays) -> Parts:
    """Arrays ``(tag_id, resolution, bucket, *ROLLUP_FIELDS, steps_only)`` of added rollups."""
    n = len(table)
    columns = (getattr(table, name) for _, name in KINDS)
    return (tag_id, np.full(n, resolution.value, "<U1"), *columns, np.zeros(n, bool))


def step_parts(resolution: Resolution, delta: ru.Steps) -> Parts:
    """The same arrays for counter-step deltas: zero counts, extremes to be NULL."""
    n = len(delta)
    ints, floats = np.zeros(n, np.int64), np.zeros(n)
    fields = {name: ints if kind == "int8" else floats for kind, name in KINDS}
    fields.update(bucket=delta.bucket, increase=delta.increase, resets=delta.resets)
    columns = (fields[name] for _, name in KINDS)
    return (delta.tag_id, np.full(n, resolution.value, "<U1"), *columns, np.ones(n, bool))


def merged_columns(pending: list[Parts]) -> list[Column]:
    """COPY columns of the rollup staging table: step deltas folded into their bucket's row.

    Within one write each (tag, resolution, bucket) has at most one aggregate row and one step
    row; after sorting by key (aggregate first) a step row that follows its aggregate row is
    added into it and dropped.
    """
    parts = [np.concatenate(column) for column in zip(*pending, strict=True)]
    tag, resolution, bucket, steps = parts[0], parts[1], parts[2], parts[-1]
    order = np.lexsort((steps, bucket, resolution, tag))
    parts = [column[order] for column in parts]
    tag, resolution, bucket, steps = parts[0], parts[1], parts[2], parts[-1]
    same = (tag[1:] == tag[:-1]) & (resolution[1:] == resolution[:-1]) & (bucket[1:] == bucket[:-1])
    fold = np.flatnonzero(same & steps[1:] & ~steps[:-1])  # aggregate row i, its steps at i + 1
    names = ["tag_id", "resolution", *(name for _, name in KINDS), "steps"]
    for name in ("increase", "resets"):
        column = parts[names.index(name)]
        column[fold] += column[fold + 1]
    keep = np.ones(tag.shape[0], bool)
    keep[fold + 1] = False
    parts = [column[keep] for column in parts]
    steps_only = parts[-1]
    kinds = ["int4", "char1", *(kind for kind, _ in KINDS)]
    return [
        Column(kind, values, steps_only if name in _EXTREMES else None)
        for kind, name, values in zip(kinds, names, parts[:-1], strict=False)
    ]
