"""The connection's memo of last samples (ADR 0258): used only while nothing else can differ."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

from tanji.timeseries.last_samples import FLAGGED, NONE, LastSamples, clear_all
from tanji.timeseries.sqlite import SqliteStore
from tests.timeseries.factories import MINUTE_MS, NEAR_MONTH_END, sqlite_file

T = NEAR_MONTH_END


class _Memo:
    """A store with a memo whose commit callbacks the test runs (or drops, for a rollback)."""

    def __init__(self, file: str) -> None:
        plain = SqliteStore.open(file)
        self.queued: list[Callable[[], None]] = []
        self.last = LastSamples(plain.db, self.queued.append)
        self.store = SqliteStore(plain.db, last=self.last)

    def commit(self) -> None:
        for run in self.queued:
            run()
        self.queued.clear()

    def known(self, *tags: int) -> list[tuple[int, float] | None]:
        ts, value, hit = self.last.look_up(np.array(tags, np.int64))
        return [
            (int(t), float(v)) if h else None
            for t, v, h in zip(ts.tolist(), value.tolist(), hit.tolist(), strict=True)
        ]


@pytest.fixture
def memo(tmp_path: Path) -> _Memo:
    return _Memo(sqlite_file(tmp_path))


def test_a_committed_append_is_remembered_and_spares_the_read(memo: _Memo) -> None:
    memo.store.write([(1, T, 10.0, "N"), (1, T + MINUTE_MS, 11.0, "N"), (2, T, 5.0, "F")])
    assert memo.known(1, 2) == [None, None]  # written, not yet committed
    memo.commit()
    assert memo.known(1, 2, 3) == [(T + MINUTE_MS, 11.0), (FLAGGED, 5.0), None]
    with mock.patch.object(SqliteStore, "_read_last", wraps=memo.store._read_last) as read:
        memo.store.write([(1, T + 2 * MINUTE_MS, 12.0, "N")])
    read.assert_not_called()
    memo.commit()
    assert memo.known(1) == [(T + 2 * MINUTE_MS, 12.0)]


def test_another_connection_committing_empties_the_memo(memo: _Memo, tmp_path: Path) -> None:
    memo.store.write([(1, T, 10.0, "N")])
    memo.commit()
    other = SqliteStore.open(str(tmp_path / "timeseries.sqlite3"))
    other.write([(1, T + 5 * MINUTE_MS, 15.0, "N")])
    assert memo.known(1) == [None]
    # a sample between the two is late, not an append after the remembered one
    result = memo.store.write([(1, T + 2 * MINUTE_MS, 12.0, "N")])
    assert result.inserted == 1
    memo.commit()
    assert memo.known(1) == [None]  # the general path forgets instead of predicting
    stored = memo.store.read_samples(1, T, T + 10 * MINUTE_MS)
    assert stored.value.tolist() == [10.0, 12.0, 15.0]


def test_a_rolled_back_write_leaves_its_tags_forgotten(memo: _Memo) -> None:
    memo.store.write([(1, T, 10.0, "N")])
    memo.commit()
    memo.store.db.execute("BEGIN IMMEDIATE")
    memo.store.write([(1, T + MINUTE_MS, 11.0, "N")], savepoint=False)
    memo.store.db.execute("ROLLBACK")
    memo.queued.clear()  # a rollback drops what was to run at commit
    assert memo.known(1) == [None]
    memo.store.write([(1, T + MINUTE_MS, 11.5, "N")])
    memo.commit()
    assert memo.known(1) == [(T + MINUTE_MS, 11.5)]


def test_corrections_are_forgotten_and_their_tags_read_again(memo: _Memo) -> None:
    memo.store.write([(1, T, 10.0, "N"), (1, T + MINUTE_MS, 11.0, "N")])
    memo.commit()
    assert memo.store.write([(1, T + MINUTE_MS, 9.0, "N")]).corrected == 1
    memo.commit()
    assert memo.known(1) == [None]
    memo.store.write([(1, T + 2 * MINUTE_MS, 12.0, "N")])
    memo.commit()
    assert memo.known(1) == [(T + 2 * MINUTE_MS, 12.0)]


def test_clear_all_empties_every_memo(memo: _Memo) -> None:
    memo.store.write([(1, T, 10.0, "N")])
    memo.commit()
    clear_all()
    assert memo.known(1) == [None]
    ts, _, hit = memo.last.look_up(np.array([1], np.int64))
    assert (ts.tolist(), hit.tolist()) == ([NONE], [False])


@pytest.mark.django_db(transaction=True)
def test_django_connections_keep_their_memo_and_learn_at_commit() -> None:
    from django.db import connection, transaction

    from tanji.timeseries.store import store_for

    if connection.vendor != "sqlite":
        pytest.skip("the memo belongs to the SQLite engine")
    store = store_for(connection)
    with transaction.atomic():
        store.write([(7, T, 1.0, "N")])
        assert store_for(connection)._last._known == {}  # type: ignore[attr-defined]
    last = store_for(connection)._last  # type: ignore[attr-defined]
    assert last is store._last  # type: ignore[attr-defined]
    ts, value, hit = last.look_up(np.array([7], np.int64))
    assert (ts.tolist(), value.tolist(), hit.tolist()) == ([T], [1.0], [True])

    def fail_after_writing() -> None:
        with transaction.atomic():
            store.write([(7, T + MINUTE_MS, 2.0, "N")])
            raise RuntimeError("the caller fails")

    with pytest.raises(RuntimeError):
        fail_after_writing()
    assert last.look_up(np.array([7], np.int64))[2].tolist() == [False]
