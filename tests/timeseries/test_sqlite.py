"""SQLite specifics on a real database file: concurrent writers, busy handling, the context.

The last-sample context (ADR 0248) is checked against the general statements: the same writes
through both leave the same samples, history, rollups and pending rows.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tanji.timeseries.last_samples import LastSamples
from tanji.timeseries.samples import Resolution
from tanji.timeseries.sqlite import SqliteStore
from tanji.timeseries.store import Context
from tests.timeseries.factories import MINUTE_MS, NEAR_MONTH_END, SQLITE_DDL, sqlite_file
from tests.timeseries.test_store import FOREVER, assert_rollups_match_samples


@pytest.fixture
def path(tmp_path: Path) -> str:
    return sqlite_file(tmp_path)


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


def _boom_on_second_sample(store: SqliteStore) -> None:
    store.db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON timeseries_sample "
        "WHEN (SELECT count(*) FROM timeseries_sample) >= 1 "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )


def test_a_nested_write_fails_back_to_its_savepoint(path: str) -> None:
    store = SqliteStore.open(path)
    assert store.db.execute("PRAGMA temp_store").fetchone() == (2,)
    _boom_on_second_sample(store)
    store.db.execute("BEGIN IMMEDIATE")
    store.db.execute("CREATE TABLE mine (x INTEGER)")
    store.db.execute("INSERT INTO mine VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):
        store.write([(1, NEAR_MONTH_END, 1.0, "N"), (2, NEAR_MONTH_END, 1.0, "N")])
    assert store.db.in_transaction  # the caller's transaction goes on, its row kept
    store.db.execute("COMMIT")
    assert store.db.execute("SELECT x FROM mine").fetchall() == [(1,)]
    assert store.db.execute("SELECT count(*) FROM timeseries_sample").fetchone() == (0,)


def test_a_nested_write_without_savepoint_leaves_the_rollback_to_the_caller(path: str) -> None:
    store = SqliteStore.open(path)
    store.db.execute("BEGIN IMMEDIATE")
    assert store.write([(1, NEAR_MONTH_END, 1.0, "N")], savepoint=False).inserted == 1
    store.db.execute("COMMIT")
    _boom_on_second_sample(store)
    store.db.execute("BEGIN IMMEDIATE")
    store.db.execute("CREATE TABLE mine (x INTEGER)")
    with pytest.raises(sqlite3.IntegrityError):
        store.write([(2, NEAR_MONTH_END, 1.0, "N")], savepoint=False)
    assert store.db.in_transaction  # nothing rolled back here: the caller decides
    store.db.execute("ROLLBACK")
    assert store.db.execute("SELECT tag_id FROM timeseries_sample").fetchall() == [(1,)]
    tables = store.db.execute("SELECT name FROM sqlite_master WHERE name = 'mine'").fetchall()
    assert tables == []


# ---------------------------------------------------------------- the last-sample context
def _snapshot(store: SqliteStore) -> dict[str, list[tuple[object, ...]]]:
    """Everything a write leaves: samples, history (not its clock), rollups, pending bodies."""
    queries = {
        # both sample tables: where a sample waits (ADR 0261) differs between the paths
        "samples": "SELECT * FROM timeseries_sample_current ORDER BY tag_id, ts",
        "history": "SELECT tag_id, ts, version, value, flag, evidence_id "
        "FROM timeseries_sample_history ORDER BY tag_id, ts, version",
        "rollups": "SELECT * FROM timeseries_rollup ORDER BY tag_id, resolution, bucket",
        "pending": "SELECT lo_tag, hi_tag, lo_bucket, hi_bucket, body "
        "FROM timeseries_rollup_pending ORDER BY id",
    }
    return {name: store.db.execute(sql).fetchall() for name, sql in queries.items()}


class _Pair:
    """The same writes through the last-sample context and through the general statements.

    The last-sample context runs twice: reading every tag's last sample, and with the
    connection's memo of last samples (ADR 0258).
    """

    def __init__(self, directory: Path) -> None:
        self.stores = []
        self.committed: list[Callable[[], None]] = []  # the memo store's on_commit queue
        for name in ("fast", "general", "memo"):
            file = str(directory / f"{name}.sqlite3")
            store = SqliteStore.open(file)
            for statement in SQLITE_DDL:
                store.db.execute(statement)
            if name == "memo":
                store = SqliteStore(store.db, last=LastSamples(store.db, self.committed.append))
            self.stores.append(store)
        general = self.stores[1]
        general._context = general._general_context  # type: ignore[method-assign]
        self.slow_tags: list[int] = []  # tags the fast store sent to the general statements
        fast, original = self.stores[0], self.stores[0]._general_context

        def recording(tags: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> Context:
            self.slow_tags += tags.tolist()
            return original(tags, lo, hi)

        fast._general_context = recording  # type: ignore[method-assign]

    def write(self, rows: list[tuple[int, int, float, str, int]], *, defer: bool) -> list[int]:
        """Write through both; assert the same results and contents; the fast store's slow tags."""
        self.slow_tags = []
        results = [store.write(rows, defer=defer) for store in self.stores]
        for run in self.committed:  # the memo store's write committed on its own
            run()
        self.committed.clear()
        assert results[0] == results[1] == results[2]
        assert _snapshot(self.stores[0]) == _snapshot(self.stores[1]) == _snapshot(self.stores[2])
        return sorted(set(self.slow_tags))


@pytest.mark.parametrize("defer", [True, False])
def test_appends_take_the_last_sample_and_the_rest_the_general_statements(
    tmp_path: Path, defer: bool
) -> None:
    pair = _Pair(tmp_path)
    t = NEAR_MONTH_END
    # counters on tags 1-5, each with a history; tag 6 never written before
    history = [(tag, t + i * MINUTE_MS, 100.0 + i, "N", 1) for tag in range(1, 6) for i in range(3)]
    assert pair.write(history, defer=defer) == []
    pair.write([(5, t + 3 * MINUTE_MS, 104.0, "F", 2)], defer=defer)  # tag 5 ends flagged
    later = t + 10 * MINUTE_MS
    slow = pair.write(
        [
            (1, later, 110.0, "N", 3),  # append: fast
            (2, t + MINUTE_MS, 101.0, "N", 3),  # a duplicate
            (3, t + MINUTE_MS, 90.0, "N", 3),  # a correction (and a counter drop)
            (4, t - MINUTE_MS, 99.0, "N", 3),  # older than the stored ones
            (5, later, 120.0, "N", 3),  # after a flagged last sample
            (6, later, 7.0, "N", 3),  # a new tag: fast
        ],
        defer=defer,
    )
    assert slow == [2, 3, 4, 5]
    # a batch repeating a (tag, time) writes in two rounds: the second finds the first's row
    assert pair.write([(1, later + MINUTE_MS, 1.0, "N", 4)] * 2, defer=defer) == [1]
    assert pair.write([(1, later + 2 * MINUTE_MS, 2.0, "N", 5)], defer=defer) == []
    for store in pair.stores:
        while store.fold_pending():
            pass
    assert _snapshot(pair.stores[0]) == _snapshot(pair.stores[1]) == _snapshot(pair.stores[2])
    for tag in range(1, 7):
        assert_rollups_match_samples(pair.stores[0], tag)


_write = st.lists(
    st.tuples(
        st.integers(1, 3),  # tag
        st.integers(0, 180),  # minute: three hours, late and early arrivals
        st.sampled_from([0.0, 1.5, 50.0, 99.0, 100.0]),  # few values: duplicates and resets
        st.sampled_from("NNNNF"),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=st.lists(st.tuples(_write, st.booleans()), min_size=1, max_size=6))
def test_the_last_sample_context_writes_what_the_general_one_writes(
    tmp_path_factory: pytest.TempPathFactory,
    writes: list[tuple[list[tuple[int, int, float, str]], bool]],
) -> None:
    pair = _Pair(tmp_path_factory.mktemp("pair"))
    for n, (rows, defer) in enumerate(writes):
        batch = [(tag, NEAR_MONTH_END + m * MINUTE_MS, v, f, n + 1) for tag, m, v, f in rows]
        pair.write(batch, defer=defer)
