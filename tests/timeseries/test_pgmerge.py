"""Rollup changes of a PostgreSQL write: step deltas folded into their bucket's aggregate row."""

from __future__ import annotations

import numpy as np

from tanji.timeseries import rollups as ru
from tanji.timeseries.pgmerge import KINDS, merged_columns, rollup_parts, step_parts
from tanji.timeseries.samples import Resolution

HOUR = 3_600_000


def _names() -> list[str]:
    return ["tag_id", "resolution", *(name for _, name in KINDS)]


def test_steps_fold_into_the_aggregate_of_the_same_bucket_and_stand_alone_elsewhere() -> None:
    valid = np.ones(3, bool)
    added = ru.aggregate(
        np.array([1, 1, 2], np.int64),
        np.array([0, 60_000, 0], np.int64),
        np.array([10.0, 12.0, 5.0]),
        valid,
        Resolution.HOUR,
    )
    bucket = int(added.rollups.bucket[0])
    steps = ru.Steps(
        tag_id=np.array([1, 1], np.int64),
        bucket=np.array([bucket, bucket - HOUR], np.int64),  # its own bucket, and an older one
        increase=np.array([2.0, 3.0]),
        resets=np.array([0, 1], np.int64),
    )
    columns = merged_columns(
        [
            rollup_parts(added.tag_id, Resolution.HOUR, added.rollups),
            step_parts(Resolution.HOUR, steps),
        ]
    )
    by_name = dict(zip(_names(), columns, strict=True))
    assert by_name["tag_id"].values.tolist() == [1, 1, 2]
    assert by_name["bucket"].values.tolist() == [bucket - HOUR, bucket, bucket]
    assert by_name["count"].values.tolist() == [0, 2, 1]
    assert by_name["increase"].values.tolist() == [3.0, 2.0, 0.0]
    assert by_name["resets"].values.tolist() == [1, 0, 0]
    # the steps-only row leaves min/max/first/last NULL; the others are values
    for name in ("min", "max", "first_ts", "first_value", "last_ts", "last_value"):
        assert by_name[name].null is not None
        assert by_name[name].null.tolist() == [True, False, False]
    assert by_name["count"].null is None
