"""The transparency log persisted in the database (a :class:`~tanji.trust.merkle.NodeStore`).

Appends run inside the caller's transaction, which also writes the envelope and its samples
(R4.2.2: nothing is stored that the log does not commit to). Concurrent appenders are serialised
by the database: SQLite takes its write lock at ``BEGIN IMMEDIATE`` (see
``tanji.web.database``), PostgreSQL by a transaction-scoped advisory lock taken first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from tanji.evidence.models import LogNode
from tanji.trust.entries import LogEntry, encode_log_entry
from tanji.trust.merkle import MerkleTree

#: Advisory-lock key of the log on PostgreSQL ("tanjilog" as a 64-bit integer).
_LOCK_KEY = int.from_bytes(b"tanjilog", "big") >> 1


class DatabaseNodeStore:
    """Log nodes in :class:`LogNode` rows; writes are multi-row inserts per level."""

    def get(self, level: int, index: int) -> bytes:
        """The stored hash of node (level, index)."""
        return bytes(LogNode.objects.get(level=level, index=index).digest)

    def put_level(self, level: int, start: int, digests: Sequence[bytes]) -> None:
        """Insert ``digests`` at ``start…`` of ``level`` (the primary key refuses overwrites)."""
        LogNode.objects.bulk_create(
            LogNode(level=level, index=start + i, digest=d) for i, d in enumerate(digests)
        )

    def leaf_count(self) -> int:
        """Size of the tree: the number of leaves."""
        last = LogNode.objects.filter(level=0).order_by("-index").values_list("index").first()
        return 0 if last is None else last[0] + 1


def lock_log() -> None:
    """Serialise log appends until the end of the current transaction (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def open_tree() -> MerkleTree:
    """The log as a tree over the database (reads the right edge: O(log n) rows)."""
    return MerkleTree(DatabaseNodeStore())


def leaf_data(body: bytes, received_at: datetime) -> bytes:
    """What a leaf commits to: the envelope as received and the receive time."""
    return encode_log_entry(LogEntry(envelope=body, received_at=received_at))


def append_envelope(body: bytes, received_at: datetime) -> int:
    """Append the entry of ``body`` inside the current transaction; return its leaf index."""
    lock_log()
    return open_tree().append(leaf_data(body, received_at))
