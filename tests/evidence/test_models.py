"""Schema facts the intake relies on."""

from __future__ import annotations

import pytest
from django.db import connection

from tanji.evidence.models import RawEnvelope

pytestmark = pytest.mark.django_db


def test_envelopes_are_found_by_device_through_the_seq_constraint_alone() -> None:
    """One index leads with the device (ADR 0259): each envelope insert writes one page less."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, RawEnvelope._meta.db_table)
    leading = [
        info
        for info in found.values()
        if (info["index"] or info["unique"]) and info["columns"][:1] == ["device_id"]
    ]
    assert [(info["columns"], info["unique"]) for info in leading] == [(["device_id", "seq"], True)]
    if connection.vendor == "sqlite":  # and it serves a look-up by device
        with connection.cursor() as cursor:
            table = RawEnvelope._meta.db_table
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT id FROM {table} WHERE device_id = 1")
            assert "INDEX" in " ".join(str(row) for row in cursor.fetchall())
