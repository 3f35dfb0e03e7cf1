"""A real durable sink for the gateway tests: SQLite (WAL, synchronous=FULL), one commit per upload.

It plays the ingest pipeline's part: it decides duplicates (same device, command and DataTime
already stored → nothing new, but still durable, so it returns normally) and returns only after
the commit.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

from tanji.gateways.hj212_tcp import Device, Hj212Upload

SCHEMA = """
CREATE TABLE IF NOT EXISTS upload (
    mn TEXT NOT NULL, cn INTEGER NOT NULL, data_time TEXT NOT NULL, qn TEXT NOT NULL,
    frames BLOB NOT NULL, PRIMARY KEY (mn, cn, data_time)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS value (
    mn TEXT NOT NULL, cn INTEGER NOT NULL, data_time TEXT NOT NULL, code TEXT NOT NULL,
    kind TEXT NOT NULL, value TEXT NOT NULL, flag TEXT,
    PRIMARY KEY (mn, cn, data_time, code, kind)) WITHOUT ROWID;
"""


class SqliteSink:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self.duplicates = 0

    async def accept(self, device: Device, upload: Hj212Upload) -> None:
        await asyncio.to_thread(self._store, device.mn, upload)

    def _store(self, mn: str, upload: Hj212Upload) -> None:
        key = (mn, upload.message.cn, upload.record.data_time.isoformat())
        rows = [
            (*key, factor.code, kind, format(value, "f"), factor.flag)
            for factor in upload.record.factors
            for kind, value in factor.values.items()
        ]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                inserted = self._db.execute(
                    "INSERT OR IGNORE INTO upload VALUES (?, ?, ?, ?, ?)",
                    (*key, upload.message.qn, b"".join(upload.frames)),
                ).rowcount
                if inserted:
                    self._db.executemany("INSERT INTO value VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                else:
                    self.duplicates += 1
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def count(self, table: str = "upload") -> int:
        with self._lock:
            return int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def close(self) -> None:
        self._db.close()
