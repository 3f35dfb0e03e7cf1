"""Recent samples on SQLite (ADR 0261): where deferred appends wait, and that nobody can tell.

A deferred write's pure appends are parked in ``timeseries_sample_recent``; every reader sees
them, any other write moves them into the sample table first, and the folder moves them in bulk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.db import connection

from tanji.timeseries.folder import flush_folder, fold_all, start_folder, stop_folder
from tanji.timeseries.folding import deferring_rollups
from tanji.timeseries.models import Sample
from tanji.timeseries.samples import Resolution, SampleBatch
from tanji.timeseries.sqlite import SqliteStore
from tanji.timeseries.store import store_for
from tests.timeseries.factories import MINUTE_MS, NEAR_MONTH_END, minute_rows, sqlite_file
from tests.timeseries.test_store import FOREVER, assert_rollups_match_samples

T = NEAR_MONTH_END
#: A tag id no other test writes (the unmanaged tables keep rows across transactional tests).
TAG = 990_007


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore.open(sqlite_file(tmp_path))


def _count(store: SqliteStore, table: str) -> int:
    return int(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _placed(store: SqliteStore) -> tuple[int, int]:
    """Samples in (the sample table, the recent table)."""
    return _count(store, "timeseries_sample"), _count(store, "timeseries_sample_recent")


def test_deferred_appends_wait_in_recent_and_every_read_sees_them(store: SqliteStore) -> None:
    store.write(minute_rows(1, T, [1.0, 2.0, 3.0]))  # not deferred: the sample table
    result = store.write(minute_rows(1, T + 3 * MINUTE_MS, [4.0, 5.0]), defer=True)
    assert result.inserted == 2
    assert _placed(store) == (3, 2)
    samples = store.read_samples(1, *FOREVER)
    assert samples.value.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert samples.ts.tolist() == [T + i * MINUTE_MS for i in range(5)]
    assert store.read_history(1, *FOREVER).value.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    hours = store.read_rollups(1, Resolution.HOUR, *FOREVER)  # pending folded in on read
    assert int(hours.count.sum()) == 5
    assert_rollups_match_samples(store, 1)


def test_a_parked_sample_sent_again_is_a_duplicate(store: SqliteStore) -> None:
    store.write(minute_rows(1, T, [1.0, 2.0]), defer=True)
    again = store.write(minute_rows(1, T, [1.0, 2.0]), defer=True)
    assert (again.inserted, again.duplicates, again.corrected) == (0, 2, 0)
    assert _placed(store) == (2, 0)  # re-sent: the general statements, after a move
    assert store.read_samples(1, *FOREVER).value.tolist() == [1.0, 2.0]


def test_correcting_a_parked_sample_moves_it_and_keeps_the_old_version(
    store: SqliteStore,
) -> None:
    store.write(minute_rows(1, T, [1.0, 2.0, 3.0]), defer=True)
    result = store.write([(1, T + MINUTE_MS, 20.0, "N")], defer=True)
    assert result.corrected == 1
    assert _placed(store) == (3, 0)
    assert store.read_samples(1, *FOREVER).value.tolist() == [1.0, 20.0, 3.0]
    history = store.read_history(1, T + MINUTE_MS, T + 2 * MINUTE_MS)
    assert history.value.tolist() == [2.0, 20.0]
    assert history.version.tolist() == [1, 2]
    assert_rollups_match_samples(store, 1)


def test_a_late_sample_moves_the_parked_ones_and_lands_in_order(store: SqliteStore) -> None:
    store.write(minute_rows(1, T + 5 * MINUTE_MS, [6.0, 7.0]), defer=True)
    store.write(minute_rows(2, T, [1.0]), defer=True)  # another tag: parked too
    assert _placed(store) == (0, 3)
    result = store.write(minute_rows(1, T, [1.0]), defer=True)  # before the parked ones
    assert result.inserted == 1
    assert _placed(store) == (4, 0)
    assert store.read_samples(1, *FOREVER).value.tolist() == [1.0, 6.0, 7.0]
    assert_rollups_match_samples(store, 1)


def test_an_undeferred_write_moves_the_parked_samples_first(store: SqliteStore) -> None:
    store.write(minute_rows(1, T, [1.0, 2.0]), defer=True)
    store.write(minute_rows(1, T + 2 * MINUTE_MS, [3.0]))  # a job without a folder
    assert _placed(store) == (3, 0)
    store.write(minute_rows(1, T + 3 * MINUTE_MS, [4.0]), defer=True)
    assert _placed(store) == (3, 1)
    assert store.read_samples(1, *FOREVER).value.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_a_flagged_parked_sample_is_the_last_and_not_an_edge(store: SqliteStore) -> None:
    # a counter whose last parked reading is flagged: the next valid one steps from the last
    # valid reading, found through the general statements
    store.write(minute_rows(1, T, [10.0, 11.0]), defer=True)
    store.write([(1, T + 2 * MINUTE_MS, 99.0, "C")], defer=True)
    assert _placed(store) == (0, 3)
    store.write([(1, T + 3 * MINUTE_MS, 12.0, "N")], defer=True)
    assert store.read_samples(1, *FOREVER).flag.tolist() == ["N", "N", "C", "N"]
    assert_rollups_match_samples(store, 1)


def test_moving_is_one_transaction_and_idempotent(store: SqliteStore) -> None:
    rows = [r for tag in (1, 2, 3) for r in minute_rows(tag, T, [1.0, 2.0, 3.0, 4.0])]
    store.write(rows, defer=True)
    assert _placed(store) == (0, 12)
    assert store.move_recent() == 12
    assert store.move_recent() == 0
    assert _placed(store) == (12, 0)
    assert not store.db.in_transaction
    for tag in (1, 2, 3):
        assert store.read_samples(tag, *FOREVER).value.tolist() == [1.0, 2.0, 3.0, 4.0]
    store.fold_pending(1000)
    for tag in (1, 2, 3):
        assert_rollups_match_samples(store, tag)


@pytest.mark.django_db(transaction=True)
def test_the_folders_round_moves_parked_samples_and_the_orm_sees_them_before() -> None:
    if connection.vendor != "sqlite":
        assert store_for(connection).move_recent() == 0  # nothing parks in place of SQLite
        return
    store = store_for(connection)
    _forget(TAG)  # the time-series tables are unmanaged: earlier tests may have left rows
    try:
        with deferring_rollups():  # as while a folder runs
            store.write(SampleBatch.from_rows(minute_rows(TAG, T, [1.0, 2.0, 3.0])))
        assert _django_count("timeseries_sample_recent", TAG) == 3
        orm = Sample.objects.filter(tag_id=TAG).order_by("ts").values_list("ts", "value")
        assert list(orm) == [(T + i * MINUTE_MS, float(i + 1)) for i in range(3)]
        last = Sample.objects.filter(tag_id=TAG, ts__lte=T + MINUTE_MS).order_by("-ts")
        assert last.values_list("ts", "value").first() == (T + MINUTE_MS, 2.0)
        fold_all()  # the folder's round
        assert _django_count("timeseries_sample_recent", TAG) == 0
        assert _django_count("timeseries_sample", TAG) == 3
        assert list(orm) == [(T + i * MINUTE_MS, float(i + 1)) for i in range(3)]
        start_folder(window_s=0.05)  # a running folder does the same
        store.write(SampleBatch.from_rows(minute_rows(TAG, T + 3 * MINUTE_MS, [4.0])))
        assert flush_folder(10.0)
        assert _django_count("timeseries_sample_recent", TAG) == 0
        assert _django_count("timeseries_sample", TAG) == 4
    finally:
        stop_folder()
        _forget(TAG)


def _django_count(table: str, tag_id: int | None = None) -> int:
    where = "" if tag_id is None else f" WHERE tag_id = {int(tag_id)}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}{where}")
        return int(cursor.fetchone()[0])


def _forget(tag_id: int) -> None:
    with connection.cursor() as cursor:
        for table in ("timeseries_sample", "timeseries_sample_recent", "timeseries_rollup"):
            cursor.execute(f"DELETE FROM {table} WHERE tag_id = %s", [tag_id])


def test_the_orm_reads_the_last_sample_by_merging_both_tables(store: SqliteStore) -> None:
    # rule 18 of SQLite's flattener: the ordering column is selected (livedemo.steps does)
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT ts, value FROM timeseries_sample_current "
        "WHERE tag_id = 1 AND ts <= ? ORDER BY ts DESC LIMIT 1",
        (T,),
    ).fetchall()
    details = [row[3] for row in plan]
    assert any("MERGE" in d for d in details), details  # no sort of the tag's whole history
    assert not any("TEMP B-TREE" in d for d in details), details


def test_samples_parked_by_one_connection_are_seen_by_another(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path)
    writer, reader = SqliteStore.open(path), SqliteStore.open(path)
    writer.write(minute_rows(1, T, [1.0, 2.0]), defer=True)
    assert reader.read_samples(1, *FOREVER).value.tolist() == [1.0, 2.0]
    # the other connection appends after them: its fresh check reads the parked ones
    result = reader.write(minute_rows(1, T + MINUTE_MS, [2.0, 3.0]), defer=True)
    assert (result.inserted, result.duplicates) == (1, 1)
    assert np.array_equal(writer.read_samples(1, *FOREVER).value, np.array([1.0, 2.0, 3.0]))
