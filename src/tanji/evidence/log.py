"""The transparency log persisted in the database (a :class:`~tanji.trust.merkle.NodeStore`).

Appends run inside the caller's transaction, which also writes the envelope and its samples
(R4.2.2: nothing is stored that the log does not commit to). Concurrent appenders are serialised
by the database: SQLite takes its write lock at ``BEGIN IMMEDIATE`` (see
``tanji.web.database``), PostgreSQL by a transaction-scoped advisory lock taken first.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from datetime import datetime

from django.db import connection, transaction

from tanji.evidence.models import LogNode, RawEnvelope
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
        """Insert ``digests`` at ``start…`` of ``level`` (the primary key refuses overwrites).

        One ``executemany`` instead of the ORM's bulk insert: a group commit appends hundreds
        of leaves, and building model instances cost more than hashing them (ADR 0150).
        """
        quote = connection.ops.quote_name
        table = quote(LogNode._meta.db_table)
        columns = ", ".join(quote(c) for c in ("level", "index", "digest"))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)",
                [(level, start + i, d) for i, d in enumerate(digests)],
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


class _Cache(threading.local):
    """The last tree this thread opened, and the hash of the last leaf it appended or read.

    Opening a tree reads its right edge (O(log n) rows). Committed leaves never change, so if
    the stored last leaf (index and hash) is the one the cached tree ended with, its frontier is
    exact; after a rollback or another writer's append it is not, and the tree is read again.
    """

    tree: MerkleTree | None = None
    last_leaf: bytes = b""


_cache = _Cache()


def open_tree() -> MerkleTree:
    """The log as a tree over the database (one query when this thread appended last)."""
    last = _last_leaf()
    tree = _cache.tree
    stale = tree is None or last is None or tree.size != last[0] + 1
    if stale or last is None or _cache.last_leaf != last[1]:
        tree = None
    if tree is None:
        tree = MerkleTree(DatabaseNodeStore())
        _cache.last_leaf = last[1] if last is not None else b""
    _cache.tree = tree
    return tree


def _last_leaf() -> tuple[int, bytes] | None:
    """Index and hash of the last leaf, in one plain query (asked at every group commit)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('index')}, digest FROM {quote(LogNode._meta.db_table)} "
            f"WHERE level = 0 ORDER BY {quote('index')} DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), bytes(row[1]))


def leaf_data(body: bytes, received_at: datetime) -> bytes:
    """What a leaf commits to: the envelope as received and the receive time."""
    return encode_log_entry(LogEntry(envelope=body, received_at=received_at))


def append_envelope(body: bytes, received_at: datetime) -> int:
    """Append the entry of ``body`` inside the current transaction; return its leaf index."""
    lock_log()
    tree = open_tree()
    data = leaf_data(body, received_at)
    index = tree.append(data)
    _cache.last_leaf = tree.hasher.leaf_hash(data)
    return index


def append_envelopes(entries: Sequence[tuple[bytes, datetime]]) -> int:
    """Append many entries in order inside the current transaction; return the first index.

    One tree read and one multi-row insert per tree level for the whole group (group commit).
    """
    lock_log()
    tree = open_tree()
    first = tree.size
    data = [leaf_data(body, received_at) for body, received_at in entries]
    tree.extend(data)
    _cache.last_leaf = tree.hasher.leaf_hash(data[-1])
    return first


def log_envelope(
    body: bytes,
    received_at: datetime,
    *,
    enterprise_id: int,
    user_id: int | None,
    channel: str,
    trust_level: str,
) -> RawEnvelope:
    """Append a sample-less entry (record, document) and store its envelope row, atomically."""
    with transaction.atomic():
        index = append_envelope(body, received_at)
        return RawEnvelope.objects.create(
            enterprise_id=enterprise_id,
            submitted_by_id=user_id,
            channel=channel,
            trust_level=trust_level,
            body=body,
            sha256=hashlib.sha256(body).hexdigest(),
            received_at=received_at,
            log_index=index,
            sample_count=0,
        )
