"""Store-and-forward outbox: a durable SQLite queue of signed batches awaiting a receipt.

Why SQLite and these settings: paho-mqtt keeps unsent messages in memory only and MQTT QoS or
the HJ 212 ``9014`` reply acknowledge one hop, so the terminal owns the only durable copy until
the platform returns a signed receipt. SQLite commits are atomic across process and OS crashes;
WAL with ``synchronous=FULL`` also keeps the latest commit across power loss (SQLite "PRAGMA
synchronous"). A sequence number is taken and its batch stored in *one* transaction, so after
any crash a number is either used by a stored batch or was never handed out: never reused.

Space: a full disk (or the configured quota, enforced with ``max_page_count`` so that it fails
exactly like a full disk, ``SQLITE_FULL``) rolls the transaction back, raises
:class:`BufferFullError` and sets an alarm that clears on the next successful append. Memory is
bounded because every read is paged (``LIMIT``); the queue itself lives on disk.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tanji.errors import CodedError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY,
    created REAL NOT NULL,
    readings INTEGER NOT NULL,
    sha256 BLOB NOT NULL,
    envelope BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (
    seq INTEGER PRIMARY KEY,
    received REAL NOT NULL,
    receipt BLOB NOT NULL
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('next_seq', 1);
"""


class BufferError(CodedError):
    """The outbox cannot do what was asked."""


class BufferFullError(BufferError):
    """No room on disk (or in the quota) for another batch; nothing was written."""


@dataclass(frozen=True, slots=True)
class Item:
    """One stored batch envelope."""

    seq: int
    created: float
    readings: int
    sha256: bytes
    envelope: bytes


Seal = Callable[[int], tuple[bytes, int]]


class Outbox:
    """The durable queue; one instance per thread (SQLite connections are not shared).

    Args:
        path: database file.
        max_bytes: optional quota for the database file (rounded down to whole pages).
        clock: wall clock in seconds (tests pass a fake one).
        power_safe: ``synchronous=FULL`` (default). ``False`` selects ``NORMAL``, which
            survives process and OS crashes but may lose the last commits on power loss; only
            for tests of queue logic and for measurements that say so.
    """

    def __init__(
        self,
        path: Path,
        *,
        max_bytes: int | None = None,
        clock: Callable[[], float] = time.time,
        power_safe: bool = True,
    ) -> None:
        self.path = path
        self._clock = clock
        self.full_alarm = False
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if power_safe else 'NORMAL'}")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.executescript(_SCHEMA)
        if max_bytes is not None:
            page_size = int(self._db.execute("PRAGMA page_size").fetchone()[0])
            self._db.execute(f"PRAGMA max_page_count={max(2, max_bytes // page_size)}")

    def close(self) -> None:
        """Close the connection (a checkpoint folds the WAL back into the database)."""
        self._db.close()

    def _rollback(self) -> None:
        if self._db.in_transaction:  # SQLITE_FULL may already have rolled back
            self._db.execute("ROLLBACK")

    def next_seq(self) -> int:
        """The sequence number the next append will use."""
        return int(self._db.execute("SELECT value FROM meta WHERE key='next_seq'").fetchone()[0])

    def append(self, seal: Seal) -> int:
        """Take the next sequence number, seal a batch with it and store it, atomically.

        Args:
            seal: called inside the transaction with the sequence number; returns the signed
                envelope bytes and the number of readings in it. If it raises, nothing is
                stored and the number stays unused.

        Raises:
            BufferFullError: the disk or the quota is full (the alarm is set).
        """
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq = self.next_seq()
                envelope, readings = seal(seq)
                self._db.execute(
                    "INSERT INTO outbox VALUES (?, ?, ?, ?, ?)",
                    (seq, self._clock(), readings, hashlib.sha256(envelope).digest(), envelope),
                )
                self._db.execute("UPDATE meta SET value=? WHERE key='next_seq'", (seq + 1,))
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc):
                raise
            self.full_alarm = True
            raise BufferFullError(
                "buffer.full",
                "outbox {path} is full: {error}",
                path=str(self.path),
                error=str(exc),
            ) from None
        self.full_alarm = False
        return seq

    def _items(self, sql: str, args: tuple[float, ...]) -> list[Item]:
        return [Item(*row) for row in self._db.execute(sql, args)]

    def oldest(self, limit: int, after: int = 0) -> list[Item]:
        """Up to ``limit`` pending items with ``seq > after``, oldest first (the backlog)."""
        return self._items(
            "SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
        )

    def newest(self, limit: int, since: float = 0.0) -> list[Item]:
        """Up to ``limit`` pending items created at or after ``since``, newest first (live)."""
        return [
            Item(*row)
            for row in self._db.execute(
                # Only the top ``limit`` rows are examined: no scan of a deep backlog.
                "SELECT * FROM (SELECT * FROM outbox ORDER BY seq DESC LIMIT ?) "
                "WHERE created >= ? ORDER BY seq DESC",
                (limit, since),
            )
        ]

    def get(self, seq: int) -> Item | None:
        """The pending item with this sequence number, if any."""
        found = self._items("SELECT * FROM outbox WHERE seq = ?", (seq,))
        return found[0] if found else None

    def acknowledge(self, seq: int, sha256: bytes, receipt: bytes) -> bool:
        """Free the item named by a verified receipt; keep the receipt as evidence.

        Returns ``False`` (and frees nothing) when no pending item has this sequence number
        *and* envelope digest — a stale, duplicated or foreign receipt.
        """
        return self.acknowledge_many([(seq, sha256, receipt)]) == 1

    def acknowledge_many(self, receipts: list[tuple[int, bytes, bytes]]) -> int:
        """:meth:`acknowledge` for several receipts in one transaction (one fsync)."""
        freed = 0
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for seq, sha256, receipt in receipts:
                deleted = self._db.execute(
                    "DELETE FROM outbox WHERE seq = ? AND sha256 = ?", (seq, sha256)
                ).rowcount
                if deleted:
                    self._db.execute(
                        "INSERT OR REPLACE INTO receipts VALUES (?, ?, ?)",
                        (seq, self._clock(), receipt),
                    )
                    freed += 1
            self._db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return freed

    def depth(self) -> tuple[int, int]:
        """Pending batches and pending readings."""
        row = self._db.execute("SELECT count(*), coalesce(sum(readings), 0) FROM outbox")
        batches, readings = row.fetchone()
        return int(batches), int(readings)

    def oldest_created(self) -> float | None:
        """Creation time of the oldest pending batch (the backlog age)."""
        row = self._db.execute("SELECT min(created) FROM outbox").fetchone()
        return None if row[0] is None else float(row[0])

    def receipt(self, seq: int) -> bytes | None:
        """The stored receipt for a sequence number."""
        row = self._db.execute("SELECT receipt FROM receipts WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else bytes(row[0])

    def prune_receipts(self, older_than_s: float) -> int:
        """Drop receipts older than the given age; returns how many."""
        cursor = self._db.execute(
            "DELETE FROM receipts WHERE received < ?", (self._clock() - older_than_s,)
        )
        return cursor.rowcount
