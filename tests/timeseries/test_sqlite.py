"""SQLite specifics on a real database file: concurrent writers and busy handling."""

from __future__ import annotations

import importlib
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tanji.timeseries.samples import Resolution
from tanji.timeseries.sqlite import SqliteStore
from tests.timeseries.factories import MINUTE_MS, NEAR_MONTH_END
from tests.timeseries.test_store import FOREVER, assert_rollups_match_samples

SQLITE_DDL = [
    *importlib.import_module("tanji.timeseries.migrations.0001_initial").DDL["sqlite"],
    importlib.import_module("tanji.timeseries.migrations.0002_rollup_pending").DDL["sqlite"],
]


@pytest.fixture
def path(tmp_path: Path) -> str:
    file = str(tmp_path / "timeseries.sqlite3")
    store = SqliteStore.open(file)
    for statement in SQLITE_DDL:
        store.db.execute(statement)
    store.db.close()
    return file


def test_opened_store_uses_wal_without_rowid_tables(path: str) -> None:
    store = SqliteStore.open(path)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'timeseries_sample'")
    assert "WITHOUT ROWID" in sql.fetchone()[0]


def test_concurrent_writers_lose_nothing(path: str) -> None:
    # Two writers send overlapping streams of the same two tags: every sample lands once and
    # the rollups still equal a recomputation.
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        store = SqliteStore.open(path)
        try:
            for batch in range(15):
                start = NEAR_MONTH_END + (batch * 20 + offset) * MINUTE_MS
                rows = [
                    (tag, start + i * MINUTE_MS, float(i), "N") for tag in (1, 2) for i in range(30)
                ]
                store.write(rows)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in (0, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = SqliteStore.open(path)
    for tag in (1, 2):
        samples = store.read_samples(tag, *FOREVER)
        assert len(samples) == 14 * 20 + 10 + 30
        assert int(store.read_rollups(tag, Resolution.MONTH, *FOREVER).count.sum()) == len(samples)
        assert_rollups_match_samples(store, tag)


def test_a_writer_waits_for_the_lock_instead_of_failing(path: str) -> None:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        time.sleep(0.3)
        holder.execute("COMMIT")
        released.set()

    threading.Thread(target=release).start()
    started = time.monotonic()
    result = SqliteStore.open(path).write([(1, NEAR_MONTH_END, 1.0, "N")])
    assert released.is_set()
    assert time.monotonic() - started >= 0.25
    assert result.inserted == 1


def test_a_failed_write_rolls_back_entirely(path: str) -> None:
    store = SqliteStore.open(path)
    store.db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON timeseries_rollup "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        store.write([(1, NEAR_MONTH_END, 1.0, "N")])
    assert len(store.read_samples(1, *FOREVER)) == 0
    assert not store.db.in_transaction
