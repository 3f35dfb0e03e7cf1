"""Monthly sample partitions on PostgreSQL, created ahead of time by a job (never a migration).

The store also creates, inside its write transaction, any partition a batch needs (late or
back-filled data), so a missed job run delays nothing; the job keeps that path cold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from tanji.timeseries.rollups import bucket_end, bucket_start
from tanji.timeseries.samples import Resolution, ts_ms


@dataclass(frozen=True)
class Partition:
    """One monthly partition: its table name and UTC epoch-ms bounds ``[lo, hi)``."""

    name: str
    lo: int
    hi: int


def ensure_ahead(connection: Any, months_ahead: int, now: datetime | None = None) -> int:
    """Create partitions from this month through ``months_ahead`` months on; returns how many.

    Does nothing (returns 0) on engines without partitions.
    """
    if connection.vendor != "postgresql":
        return 0
    start = ts_ms(now or datetime.now(tz=UTC))
    first = bucket_start(np.array([start], np.int64), Resolution.MONTH)
    last = first
    for _ in range(months_ahead):
        last = bucket_end(last, Resolution.MONTH)
    with connection.cursor() as cursor:
        cursor.execute("SELECT timeseries_ensure_partitions(%s, %s)", (int(first[0]), int(last[0])))
        return int(cursor.fetchone()[0])


def list_partitions(connection: Any) -> list[Partition]:
    """The sample table's partitions, oldest first (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'timeseries_sample'::regclass ORDER BY c.relname"
        )
        rows = cursor.fetchall()
    partitions = []
    for name, bound in rows:
        # bound: FOR VALUES FROM ('1748707200000') TO ('1751299200000')
        numbers = [int(part.strip("()' ")) for part in bound.split("FROM")[1].split("TO")]
        partitions.append(Partition(name, numbers[0], numbers[1]))
    return partitions
