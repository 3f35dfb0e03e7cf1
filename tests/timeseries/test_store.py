"""The store API on the configured engine (SQLite, and PostgreSQL in the second pass)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings, strategies as st

from tanji.errors import CodedError
from tanji.timeseries.rollups import HOUR_MS
from tanji.timeseries.samples import RollupArrays, SampleError
from tanji.timeseries.store import RESOLUTIONS, SampleStore, store_for
from tests.timeseries.factories import MINUTE_MS, NEAR_MONTH_END, minute_rows

pytestmark = pytest.mark.django_db
FOREVER = (0, 2**42)
_tags = itertools.count(1000)


def _store() -> SampleStore:
    return store_for(connection)


def assert_rollups_match_samples(store: SampleStore, tag_id: int) -> None:
    """Every stored rollup equals a from-scratch recomputation from the samples."""
    for resolution in RESOLUTIONS:
        stored = store.read_rollups(tag_id, resolution, *FOREVER)
        if not len(stored):
            continue
        fresh = store.recompute_rollups(
            tag_id, resolution, int(stored.bucket[0]), int(stored.bucket[-1]) + 1
        )
        for name in RollupArrays.__dataclass_fields__:
            got, want = getattr(stored, name), getattr(fresh, name)
            np.testing.assert_allclose(
                got, want, rtol=1e-9, atol=1e-6, err_msg=f"{resolution} {name}"
            )


def test_writing_the_same_samples_twice_changes_nothing() -> None:
    store = _store()
    rows = minute_rows(1, NEAR_MONTH_END, [1.0, 2.0, 3.0]) + minute_rows(2, NEAR_MONTH_END, [7.0])
    first = store.write(rows)
    second = store.write(rows)
    assert (first.inserted, first.duplicates, first.corrected) == (4, 0, 0)
    assert (second.inserted, second.duplicates, second.corrected) == (0, 4, 0)
    day = store.read_rollups(1, RESOLUTIONS[1], *FOREVER)
    assert day.count.tolist() == [3]
    assert day.sum.tolist() == [6.0]
    assert store.read_history(1, *FOREVER).version.tolist() == [1, 1, 1]


def test_a_different_value_is_a_new_version_and_the_old_stays_readable() -> None:
    store = _store()
    store.write([(5, NEAR_MONTH_END, 10.0, "N", 41)])
    result = store.write([(5, NEAR_MONTH_END, 12.0, "N", 42), (5, NEAR_MONTH_END, 12.0, "S", 43)])
    assert (result.inserted, result.duplicates, result.corrected) == (0, 0, 2)
    current = store.read_samples(5, *FOREVER)
    assert current.value.tolist() == [12.0]
    assert current.flag.tolist() == ["S"]
    assert current.version.tolist() == [3]
    assert current.evidence_id.tolist() == [43]
    history = store.read_history(5, *FOREVER)
    assert history.version.tolist() == [1, 2, 3]
    assert history.value.tolist() == [10.0, 12.0, 12.0]
    assert history.evidence_id.tolist() == [41, 42, 43]
    hour = store.read_rollups(5, RESOLUTIONS[0], *FOREVER)
    assert (hour.count[0], hour.sum[0], hour.valid_count[0], hour.valid_sum[0]) == (1, 12, 0, 0)


def test_correcting_the_extreme_value_rebuilds_min_max_first_last() -> None:
    store = _store()
    store.write(minute_rows(6, NEAR_MONTH_END, [5.0, 1.0, 9.0, 4.0]))
    store.write([(6, NEAR_MONTH_END + MINUTE_MS, 6.0, "N"), (6, NEAR_MONTH_END, 2.0, "N")])
    for resolution in RESOLUTIONS:
        rollup = store.read_rollups(6, resolution, *FOREVER)
        assert (rollup.min[0], rollup.max[0], rollup.first_value[0]) == (2.0, 9.0, 2.0)
        assert rollup.sum[0] == pytest.approx(21.0)
    assert_rollups_match_samples(store, 6)


def test_counter_rollups_difference_readings_and_detect_resets() -> None:
    store = _store()
    # 20-minute readings over 2 hours; a reset to 3 in the second hour, arriving out of order.
    readings = [100.0, 110.0, 109.5, 120.0, 3.0, 8.0]
    rows = [(7, NEAR_MONTH_END + i * 20 * MINUTE_MS, v, "N") for i, v in enumerate(readings)]
    store.write(rows[3:])
    store.write(rows[:3])
    hours = store.read_rollups(7, RESOLUTIONS[0], *FOREVER)
    assert hours.increase.tolist() == pytest.approx([9.5, 18.5])
    assert hours.resets.tolist() == [0, 1]
    day = store.read_rollups(7, RESOLUTIONS[1], *FOREVER)
    assert day.increase.tolist() == pytest.approx([28.0])
    # A faulty reading does not take part in differencing: flagging 120 as D removes one step.
    store.write([(7, NEAR_MONTH_END + 60 * MINUTE_MS, 120.0, "D")])
    hours = store.read_rollups(7, RESOLUTIONS[0], *FOREVER)
    assert hours.increase.tolist() == pytest.approx([9.5, 8.0])
    assert_rollups_match_samples(store, 7)


def test_samples_and_rollups_span_the_month_boundary() -> None:
    store = _store()
    store.write(minute_rows(8, NEAR_MONTH_END + 2 * HOUR_MS - 2 * MINUTE_MS, [1.0, 2.0, 3.0, 4.0]))
    months = store.read_rollups(8, RESOLUTIONS[2], *FOREVER)
    assert months.count.tolist() == [2, 2]
    assert months.bucket[1] == NEAR_MONTH_END + 2 * HOUR_MS
    assert store.read_samples(8, *FOREVER).value.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_bad_rows_are_refused_and_nothing_is_written() -> None:
    store = _store()
    with pytest.raises(SampleError) as caught:
        store.write([(9, NEAR_MONTH_END, 1.0, "N"), (9, NEAR_MONTH_END, 1.0, "Q")])
    assert caught.value.params["row"] == 1
    assert len(store.read_samples(9, *FOREVER)) == 0
    assert store.write([]).inserted == 0


def test_unsupported_engine_is_a_coded_error() -> None:
    class Oracle:
        vendor = "oracle"

    with pytest.raises(CodedError) as caught:
        store_for(Oracle())
    assert caught.value.code == "timeseries.unsupported_engine"


_row = st.tuples(
    st.sampled_from([0, 1]),  # which of two tags
    st.integers(0, 300),  # minute from 2 h before a month end
    st.sampled_from([0.0, 1.5, 2.0, 50.0, 99.0, 100.0]),  # few values: duplicates and resets
    st.sampled_from("NNNND"),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(_row, min_size=1, max_size=40), min_size=1, max_size=4))
def test_rollups_always_equal_a_recomputation(
    batches: list[list[tuple[int, int, float, str]]],
) -> None:
    store = _store()
    tags = (next(_tags), next(_tags))
    model: dict[tuple[int, int], tuple[float, str]] = {}
    for batch in batches:
        rows = [(tags[t], NEAR_MONTH_END + m * MINUTE_MS, v, f) for t, m, v, f in batch]
        expected = [0, 0, 0]
        for tag, ts, value, flag in rows:
            before = model.get((tag, ts))
            expected[0 if before is None else 1 if before == (value, flag) else 2] += 1
            model[(tag, ts)] = (value, flag)
        result = store.write(rows)
        assert [result.inserted, result.duplicates, result.corrected] == expected
    for tag in tags:
        current = store.read_samples(tag, *FOREVER)
        want = sorted((ts, v, f) for (t, ts), (v, f) in model.items() if t == tag)
        assert (
            list(
                zip(current.ts.tolist(), current.value.tolist(), current.flag.tolist(), strict=True)
            )
            == want
        )
        assert_rollups_match_samples(store, tag)


def test_rebuild_restores_damaged_rollups() -> None:
    store = _store()
    store.write(minute_rows(11, NEAR_MONTH_END, [float(i % 7) for i in range(300)]))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE timeseries_rollup SET sum = 0, increase = -1 WHERE tag_id = 11")
    written = store.rebuild_rollups(11, NEAR_MONTH_END, NEAR_MONTH_END + 300 * MINUTE_MS)
    months = store.read_rollups(11, RESOLUTIONS[2], *FOREVER)
    assert len(months) == 2  # the samples straddle a month end
    assert written == len(months) + len(store.read_rollups(11, RESOLUTIONS[1], *FOREVER)) + len(
        store.read_rollups(11, RESOLUTIONS[0], *FOREVER)
    )
    assert_rollups_match_samples(store, 11)


def test_counter_step_across_a_long_gap_is_credited_to_the_later_reading() -> None:
    store = _store()
    gap = 40 * 24 * HOUR_MS  # longer than the PostgreSQL engine's first look-back window
    store.write([(12, NEAR_MONTH_END, 1000.0, "N")])
    store.write([(12, NEAR_MONTH_END + gap, 1250.0, "N")])
    months = store.read_rollups(12, RESOLUTIONS[2], *FOREVER)
    assert months.increase.tolist() == [0.0, 250.0]
    assert_rollups_match_samples(store, 12)
