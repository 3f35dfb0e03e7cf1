from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tanji.errors import CodedError
from tanji.web.database import CACHE_KIB, CHECKPOINT_PAGES, database_settings


def test_sqlite_url_gets_wal_and_immediate_transactions() -> None:
    db = database_settings("sqlite:////srv/tanji/db.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/srv/tanji/db.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_connections_get_an_intake_sized_cache_and_checkpoint_interval(
    tmp_path: Path,
) -> None:
    init = database_settings(f"sqlite:///{tmp_path / 'db.sqlite3'}")["OPTIONS"]["init_command"]
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    db.executescript(init)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA cache_size").fetchone() == (-CACHE_KIB,)
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone() == (CHECKPOINT_PAGES,)
    assert db.execute("PRAGMA temp_store").fetchone() == (2,)  # statement journals in memory
    db.close()


def test_relative_sqlite_path() -> None:
    assert database_settings("sqlite:///tanji.sqlite3")["NAME"] == "tanji.sqlite3"


def test_postgresql_url_is_split_and_unquoted() -> None:
    db = database_settings("postgresql://tan%20ji:p%40ss@127.0.0.1:5433/tanji?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "tan ji",
        "p@ss",
        "127.0.0.1",
        "5433",
        "tanji",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize("url", ["mysql://h/db", "sqlite:///", "postgresql://h/"])
def test_rejects_unusable_urls(url: str) -> None:
    with pytest.raises(CodedError) as caught:
        database_settings(url)
    assert caught.value.code == "config.bad_database_url"
