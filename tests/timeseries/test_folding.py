"""Deferred rollups (ADR 0220): every store behaviour holds while changes are pending.

It holds after they are folded too; the pending rows survive a crash and are folded by the
next folder.

The store tests of ``test_store`` run here again with deferral on: their reads see stored +
pending merged; after each test everything pending is folded and the stored rollups alone must
equal a recomputation.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from django.db import connection

from tanji.timeseries import pending
from tanji.timeseries.folder import RollupFolder, fold_all
from tanji.timeseries.folding import deferring, deferring_rollups
from tanji.timeseries.rollups import HOUR_MS
from tanji.timeseries.samples import Resolution
from tanji.timeseries.store import RESOLUTIONS, store_for
from tests.timeseries.factories import MINUTE_MS, NEAR_MONTH_END, minute_rows
from tests.timeseries.test_store import (  # noqa: F401 - collected again, deferred
    FOREVER,
    assert_rollups_match_samples,
    test_a_different_value_is_a_new_version_and_the_old_stays_readable,
    test_correcting_the_extreme_value_rebuilds_min_max_first_last,
    test_counter_rollups_difference_readings_and_detect_resets,
    test_counter_step_across_a_long_gap_is_credited_to_the_later_reading,
    test_rebuild_restores_damaged_rollups,
    test_rollups_always_equal_a_recomputation,
    test_samples_and_rollups_span_the_month_boundary,
    test_writing_the_same_samples_twice_changes_nothing,
)

pytestmark = pytest.mark.django_db


def _pending_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM timeseries_rollup_pending")
        return int(cursor.fetchone()[0])


def _stored_rollups(tag_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM timeseries_rollup WHERE tag_id = %s", [tag_id])
        return int(cursor.fetchone()[0])


@pytest.fixture(autouse=True)
def deferred() -> Iterator[None]:
    """Writes defer; afterwards the folded rollups alone must equal a recomputation."""
    with deferring_rollups():
        yield
    store = store_for(connection)
    fold_all()
    assert _pending_count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tag_id FROM timeseries_sample")
        tags = [row[0] for row in cursor.fetchall()]
    for tag in tags:
        assert_rollups_match_samples(store, tag)


def test_a_deferred_write_leaves_one_pending_row_and_readers_see_it() -> None:
    store = store_for(connection)
    store.write(minute_rows(21, NEAR_MONTH_END, [1.0, 2.0, 4.0]) + minute_rows(22, 0, [5.0]))
    assert _pending_count() == 1
    assert _stored_rollups(21) == 0
    for resolution in RESOLUTIONS:
        rollup = store.read_rollups(21, resolution, *FOREVER)
        assert (rollup.count.tolist(), rollup.sum.tolist()) == ([3], [7.0])
        assert (rollup.first_value[0], rollup.last_value[0], rollup.increase[0]) == (1.0, 4.0, 3.0)
    assert store.fold_pending() == 1
    assert _pending_count() == 0
    assert _stored_rollups(21) == 3
    assert store.read_rollups(21, Resolution.DAY, *FOREVER).sum.tolist() == [7.0]


def test_a_read_outside_the_pending_buckets_is_the_stored_rollups() -> None:
    store = store_for(connection)
    store.write(minute_rows(23, NEAR_MONTH_END, [1.0, 2.0]))
    start = NEAR_MONTH_END + 3 * HOUR_MS
    assert len(store.read_rollups(23, Resolution.HOUR, start, start + HOUR_MS)) == 0
    assert len(store.read_rollups(24, Resolution.HOUR, *FOREVER)) == 0


def test_changes_left_by_a_crash_are_folded_by_the_next_folder() -> None:
    # A deferred write is committed; the process dies before folding (nothing else runs).
    store_for(connection).write(minute_rows(25, NEAR_MONTH_END, [10.0, 20.0, 30.0]))
    assert (_pending_count(), _stored_rollups(25)) == (1, 0)
    # The restarted process's folder folds at start, on its own thread and connection: here
    # the test's transaction is not visible to other connections, so its round runs inline.
    folder = RollupFolder(window_s=60.0)
    folder._round()
    assert folder.folded == 1
    assert (_pending_count(), _stored_rollups(25)) == (0, 3)
    assert store_for(connection).read_rollups(25, Resolution.MONTH, *FOREVER).sum.tolist() == [60.0]


def test_a_correction_folds_the_pending_changes_of_its_tag_only() -> None:
    store = store_for(connection)
    store.write(minute_rows(26, NEAR_MONTH_END, [1.0, 2.0]) + minute_rows(27, 0, [3.0]))
    store.write([(26, NEAR_MONTH_END, 5.0, "N")])  # a correction: rebuilds tag 26's buckets
    assert _stored_rollups(26) == 3
    assert _stored_rollups(27) == 0  # still pending, trimmed to tag 27
    rows = pending.unpack([body for _, body in store._pending_rows(None, None)])  # type: ignore[attr-defined]
    assert set(rows["tag"].tolist()) == {27}
    assert store.read_rollups(26, Resolution.HOUR, *FOREVER).sum.tolist() == [7.0]


def test_the_write_argument_overrides_the_process_default() -> None:
    store = store_for(connection)
    assert deferring()
    store.write(minute_rows(28, NEAR_MONTH_END, [1.0]), defer=False)
    assert (_pending_count(), _stored_rollups(28)) == (0, 3)


def test_merging_hour_deltas_equals_aggregating_at_each_resolution() -> None:
    # Hours of three days folded into days and a month equal the direct aggregates.
    store = store_for(connection)
    values = [float((i * 37) % 11) for i in range(3 * 24 * 6)]
    rows = [(29, NEAR_MONTH_END + i * 10 * MINUTE_MS, v, "N") for i, v in enumerate(values)]
    store.write(rows[: len(rows) // 2])
    store.write(rows[len(rows) // 2 :])
    assert _pending_count() == 2
    for resolution in RESOLUTIONS:
        merged = store.read_rollups(29, resolution, *FOREVER)
        fresh = store.recompute_rollups(29, resolution, *FOREVER)
        np.testing.assert_allclose(merged.sum, fresh.sum)
        np.testing.assert_array_equal(merged.last_ts, fresh.last_ts)
        np.testing.assert_allclose(merged.increase, fresh.increase)


def test_a_step_applied_before_its_buckets_samples_are_folded_reads_back() -> None:
    # Found by the property test: the second write's first round leaves tag 30 a reset step in
    # the hour of its pending 0.0; its second round corrects tag 31, which applies the write's
    # own deferred changes at once, so the hour row holds the step but not yet its sample.
    store = store_for(connection)
    later = NEAR_MONTH_END + 60 * MINUTE_MS
    store.write([(30, later, 0.0, "N")])
    store.write(
        [
            (30, NEAR_MONTH_END, 1.5, "N"),
            (31, NEAR_MONTH_END, 0.0, "N"),
            (31, NEAR_MONTH_END, 1.5, "N"),
        ]
    )
    hours = store.read_rollups(30, Resolution.HOUR, *FOREVER)
    assert hours.count.tolist() == [1, 1]
    assert (hours.last_ts.tolist(), hours.resets.tolist()) == ([NEAR_MONTH_END, later], [0, 1])
    assert_rollups_match_samples(store, 30)


def test_a_fold_applies_what_it_claims_when_a_row_changed_after_it_was_read() -> None:
    # The fold reads and merges pending rows before its transaction; a correcting write may trim
    # a row in between (here: tag 32's changes taken out, as a correction of tag 32 would after
    # applying them itself). The fold must apply the trimmed row, not what it read.
    store = store_for(connection)
    store.write(
        minute_rows(32, NEAR_MONTH_END, [1.0, 2.0]) + minute_rows(33, NEAR_MONTH_END, [3.0])
    )
    claim = store._delete_pending  # type: ignore[attr-defined]

    def trimmed_first(ids: list[int]) -> list[bytes]:
        (row_id, body), *_ = store._pending_rows(None, None)  # type: ignore[attr-defined]
        rows = np.frombuffer(body, pending.DTYPE)
        store._replace_pending(row_id, pending.pack(rows[rows["tag"] != 32]))  # type: ignore[attr-defined]
        return claim(ids)

    store._delete_pending = trimmed_first  # type: ignore[attr-defined]
    assert store.fold_pending() == 1
    assert (_stored_rollups(32), _stored_rollups(33)) == (0, 3)
    assert store.read_rollups(33, Resolution.DAY, *FOREVER).sum.tolist() == [3.0]
    with connection.cursor() as cursor:  # tag 32's samples stay; its rollups are rebuilt
        cursor.execute("DELETE FROM timeseries_sample WHERE tag_id = 32")
