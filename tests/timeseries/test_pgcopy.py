"""NumPy-built binary COPY: the exact wire layout, and a round trip through PostgreSQL."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from django.db import connection

from tanji.timeseries.pgcopy import SIGNATURE, TRAILER, Column, encode
from tests.conftest import require_component


def test_one_row_has_the_documented_layout() -> None:
    data = encode(
        [
            Column("int4", np.array([7])),
            Column("int8", np.array([2**40])),
            Column("float8", np.array([1.5])),
            Column("char1", np.array(["N"], "<U1")),
            Column("bool", np.array([True])),
            Column("int8", np.array([-1]), np.array([True])),
        ]
    )
    row = (
        struct.pack(">h", 6)
        + struct.pack(">ii", 4, 7)
        + struct.pack(">iq", 8, 2**40)
        + struct.pack(">id", 8, 1.5)
        + struct.pack(">i", 1)
        + b"N"
        + struct.pack(">i", 1)
        + b"\x01"
        + struct.pack(">i", -1)  # NULL: length -1, no value
    )
    assert data == SIGNATURE + row + TRAILER


def test_rows_group_by_null_pattern_and_keep_every_row() -> None:
    values = np.arange(5)
    data = encode([Column("int4", values), Column("int8", values, values % 2 == 0)])
    body = data[len(SIGNATURE) : -len(TRAILER)]
    # three NULL rows of 2 + 8 + 4 bytes, two full rows of 2 + 8 + 12 bytes
    assert len(body) == 3 * 14 + 2 * 22


@pytest.mark.postgres
@pytest.mark.django_db
def test_round_trip_through_copy() -> None:
    require_component("PostgreSQL", connection.vendor == "postgresql", "scripts/test runs it")
    n = 1000
    rng = np.random.default_rng(1)
    ids, values = np.arange(n), rng.normal(size=n)
    flags = np.array(list("NQDS") * (n // 4), "<U1")
    evidence = np.where(ids % 3 == 0, -1, ids * 10)
    data = encode(
        [
            Column("int4", ids),
            Column("float8", values),
            Column("char1", flags),
            Column("int8", evidence, evidence == -1),
        ]
    )
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copy_check (id int, v float8, f text, e bigint)")
        with cursor.copy("COPY copy_check FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(data)
        cursor.execute("SELECT id, v, f, e FROM copy_check ORDER BY id")
        rows = cursor.fetchall()
    assert [r[0] for r in rows] == ids.tolist()
    assert np.array_equal([r[1] for r in rows], values)
    assert "".join(r[2] for r in rows) == "".join(flags.tolist())
    assert [r[3] for r in rows] == [None if e == -1 else e for e in evidence.tolist()]
