"""Plain SQL for the intake's hot look-ups and inserts: quoting, placeholders, device rows.

Profiling of the HJ 212 gateway (ADRs 0221, 0255) found that building ORM queries and model
instances cost more than the queries themselves, so the per-frame look-ups and inserts are
plain statements. This module is the one place that spells them: quoted names from the models'
metadata (a renamed column follows the model), placeholder lists, and the three credential
queries (claimed devices of a group, an HJ 212 logger's password digest, a terminal key with its
device). Callers keep their caching rules; this module only reads.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

from tanji.evidence.choices import DeviceKindChoices
from tanji.evidence.models import Device, TerminalKey
from tanji.tenancy.models import Enterprise

__all__ = [
    "CLAIMS_PER_QUERY",
    "chunks",
    "claimed_device_rows",
    "column",
    "key_row",
    "logger_digest",
    "marks",
    "row_marks",
    "table",
]

T = TypeVar("T")

#: Claimed device ids per query (well under SQLite's bound-variable limit).
CLAIMS_PER_QUERY = 500


def table(model: type[Model]) -> str:
    """The quoted table name of a model."""
    return str(connection.ops.quote_name(model._meta.db_table))


def column(field: Any) -> str:
    """The quoted column name of a concrete model field."""
    return str(connection.ops.quote_name(field.column))


def marks(count: int) -> str:
    """``%s, %s, …`` for ``count`` values (an ``IN (…)`` list)."""
    return ", ".join(["%s"] * count)


def row_marks(rows: int, width: int) -> str:
    """``(%s, …), (%s, …)`` for a multi-row ``VALUES`` of ``rows`` rows of ``width`` values."""
    return ", ".join([f"({marks(width)})"] * rows)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size`` (bound-variable limits)."""
    for at in range(0, len(items), size):
        yield items[at : at + size]


@functools.cache
def _device_select() -> str:
    """SELECT of every column of a device (its id first) and of its enterprise."""
    device, enterprise = Device._meta, Enterprise._meta
    columns = [f"d.{column(device.get_field('device_id'))}"]
    columns += [f"d.{column(f)}" for f in device.concrete_fields]
    columns += [f"e.{column(f)}" for f in enterprise.concrete_fields]
    return (
        f"SELECT {', '.join(columns)} FROM {table(Device)} d "
        f"JOIN {table(Enterprise)} e ON e.{column(enterprise.pk)} = "
        f"d.{column(device.get_field('enterprise'))}"
    )


def claimed_device_rows(device_ids: Iterable[str]) -> list[tuple[Any, ...]]:
    """Raw rows (device id, every device column, every enterprise column) of registered ids.

    Ids not registered have no row. Read now, every call: devices decide who may submit.
    """
    ids = sorted(set(device_ids))
    found: list[tuple[Any, ...]] = []
    where = column(Device._meta.get_field("device_id"))
    with connection.cursor() as cursor:
        for part in chunks(ids, CLAIMS_PER_QUERY):
            cursor.execute(f"{_device_select()} WHERE d.{where} IN ({marks(len(part))})", part)
            found.extend(tuple(row) for row in cursor.fetchall())
    return found


@functools.cache
def _logger_select() -> str:
    def named(name: str) -> str:
        return column(Device._meta.get_field(name))

    return (
        f"SELECT {named('password_digest')} FROM {table(Device)} WHERE {named('device_id')} = %s"
        f" AND {named('kind')} = %s AND {named('active')} = %s"
    )


def logger_digest(mn: str) -> str | None:
    """The stored password digest of the active HJ 212 logger with this MN, if any.

    A plain query: a connection's ORM look-up took 0.6 ms (ADR 0255).
    """
    with connection.cursor() as cursor:
        cursor.execute(_logger_select(), [mn, DeviceKindChoices.HJ212.value, True])
        row = cursor.fetchone()
    return None if row is None else str(row[0])


@functools.cache
def _key_select() -> str:
    """SELECT of every column of a terminal key and of its device, by key id."""
    key, device = TerminalKey._meta, Device._meta
    columns = [f"k.{column(f)}" for f in key.concrete_fields]
    columns += [f"d.{column(f)}" for f in device.concrete_fields]
    return (
        f"SELECT {', '.join(columns)} FROM {table(TerminalKey)} k "
        f"JOIN {table(Device)} d ON d.{column(device.pk)} = k.{column(key.get_field('device'))} "
        f"WHERE k.{column(key.get_field('key_id'))} = %s"
    )


def key_row(key_id: str) -> tuple[Any, ...] | None:
    """Raw row (every key column, then every device column) of an enrolled key id, if any.

    Read now, every call: keys decide who may submit, and a revocation must count at once.
    """
    with connection.cursor() as cursor:
        cursor.execute(_key_select(), [key_id])
        row = cursor.fetchone()
    return None if row is None else tuple(row)
