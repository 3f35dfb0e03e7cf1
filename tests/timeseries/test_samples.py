from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from tanji.timeseries.samples import SampleBatch, SampleError, ts_ms


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ((0, 0, 1.0, "N"), "tag_id", "positive integer"),
        ((1, -5, 1.0, "N"), "ts", "epoch milliseconds"),
        ((1, 5_000_000_000_000, 1.0, "N"), "ts", "epoch milliseconds"),
        ((1, 0, float("nan"), "N"), "value", "finite"),
        ((1, 0, float("inf"), "N"), "value", "finite"),
        ((1, 0, 1.0, "X"), "flag", "one of"),
        ((1, 0, 1.0, "N", -7), "evidence_id", "evidence id"),
    ],
)
def test_refuses_bad_rows_naming_row_and_column(
    row: tuple[int, int, float, str], column: str, expected: str
) -> None:
    batch = SampleBatch.from_rows([(1, 0, 1.0, "N"), row])
    with pytest.raises(SampleError) as caught:
        batch.validate()
    assert caught.value.code == "timeseries.bad_sample"
    assert caught.value.params["row"] == 1
    assert caught.value.params["column"] == column
    assert expected in str(caught.value)


def test_refuses_ragged_columns() -> None:
    batch = SampleBatch.from_rows([(1, 0, 1.0, "N")])
    ragged = SampleBatch(
        batch.tag_id, np.array([0, 1], np.int64), *(batch.value, batch.flag), batch.evidence_id
    )
    with pytest.raises(SampleError, match="column ts has 2 rows"):
        ragged.validate()


def test_times_are_utc_milliseconds_whatever_the_offset() -> None:
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2025, 7, 1, 0, 0, 0, 250_000, tzinfo=shanghai)
    assert ts_ms(local) == ts_ms(datetime(2025, 6, 30, 16, 0, 0, 250_000, tzinfo=UTC))
    assert ts_ms(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)) == 1000


def test_refuses_naive_times() -> None:
    with pytest.raises(SampleError) as caught:
        ts_ms(datetime(2025, 1, 1))  # noqa: DTZ001
    assert caught.value.code == "timeseries.naive_time"
