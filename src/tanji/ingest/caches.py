"""Look-ups every submission needs, done once per group: devices, keys, an enterprise's tags.

Profiling (ADR 0150) found that a 500-sample batch spent more time finding its device, key and
tags (six ORM queries, PEM parsing) than storing its samples. Two rules keep the savings safe:

- Devices and keys decide who may submit, and an operator may deactivate a device or revoke a
  key in another process (web server vs. gateway) at any moment. They are read fresh for every
  group (:func:`group_scope`: one query for all devices the group claims, one per key), so a
  revocation is honoured from the next group on, as it was from the next submission before;
  only parsing is cached: public keys by PEM text (which identifies the key), device model
  instances by their row — the group's query reads the raw columns of each claimed device and
  its enterprise, and an instance is built again whenever any column differs (ADR 0255) — and
  a key's row and lifecycle record likewise by the raw columns of the key and its device.
- An enterprise's tag table (:class:`TagRow`: the columns validation reads) is cached for
  :data:`TTL_S` seconds; then it is read again, and a table found unchanged is kept as the same
  object with its validation plans (ADR 0255). Django signals of the models clear it at once in
  the process that changed a row; a code missing from the cached table, or
  an inactive tag, is looked up again before a reading is refused, so a tag created in another
  process is usable at once. A tag deactivated in another process may still accept readings for
  up to :data:`TTL_S` seconds.

Outside a group scope (single look-ups from other code) nothing is memoised.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from django.db import connection
from django.db.models.signals import post_delete, post_save

from tanji.evidence.models import Device, TerminalKey
from tanji.ingest.raw_rows import claimed_device_rows, column, key_row, table
from tanji.plant.models import Tag
from tanji.tenancy.models import Enterprise
from tanji.trust import lifecycle
from tanji.trust.keys import PublicKey, load_public_key

__all__ = [
    "TTL_S",
    "TagRow",
    "clear",
    "device",
    "enterprise_tags",
    "group_scope",
    "plan_memo",
    "terminal_key",
]

#: How long an enterprise's tag table is reused when no signal of this process cleared it.
TTL_S = 30.0


class TagRow(NamedTuple):
    """What validation reads of a tag (a light row instead of a model instance)."""

    pk: int
    code: str
    active: bool
    unit: str
    range_min: float
    range_max: float


_tags: dict[int, tuple[float, dict[str, TagRow]]] = {}
_plans: dict[int, tuple[dict[str, TagRow], dict[Any, Any]]] = {}
_group = threading.local()
#: Device id → (raw device + enterprise row, the instance built from it); see :func:`_claimed`.
_devices: dict[str, tuple[tuple[Any, ...], Device | None]] = {}
#: Key id → (raw key + device row, the key row and lifecycle record built from it).
_keys: dict[str, tuple[tuple[Any, ...], tuple[TerminalKey, lifecycle.KeyRecord]]] = {}


def clear(*_: Any, **__: Any) -> None:
    """Forget the cached tag tables (signal receiver; tests call it between cases)."""
    _tags.clear()
    _plans.clear()
    _devices.clear()
    _keys.clear()


def plan_memo(enterprise_id: int, table: dict[str, TagRow]) -> dict[Any, Any]:
    """A memo of validation plans that lives as long as this cached tag table (ADR 0221).

    A plan is derived from a tag row of ``table`` only, so it is as fresh as the table; a new
    table (expiry, a signal, a fresh read) starts an empty memo.
    """
    hit = _plans.get(enterprise_id)
    if hit is None or hit[0] is not table:
        hit = _plans[enterprise_id] = (table, {})
    return hit[1]


@contextmanager
def group_scope(device_ids: Iterable[str]) -> Iterator[None]:
    """Memoise device and key rows for one group; the claimed devices in one query."""
    wanted = {d for d in device_ids if d}
    memo: dict[tuple[str, str], Any] = {("device", d): None for d in wanted}
    if wanted:
        memo.update((("device", d), row) for d, row in _claimed(wanted).items())
    previous = getattr(_group, "memo", None)
    _group.memo = memo
    try:
        yield
    finally:
        _group.memo = previous


def _claimed(wanted: set[str]) -> dict[str, Device]:
    """The registered devices among ``wanted``, read now; instances reused while rows are equal.

    One query of raw column values (device and enterprise); building a model instance pair per
    device cost more than the query (≈ 20 µs per HJ 212 frame), so an instance is reused for as
    long as every column of both rows is exactly what it was built from.
    """
    found: dict[str, Device] = {}
    changed: set[str] = set()
    for row in claimed_device_rows(wanted):
        hit = _devices.get(row[0])
        if hit is not None and hit[1] is not None and hit[0] == row:
            found[row[0]] = hit[1]
        else:
            changed.add(row[0])
            _devices[row[0]] = (row, None)
    if changed:
        for device in Device.objects.select_related("enterprise").filter(device_id__in=changed):
            raw = _devices[device.device_id][0]
            _devices[device.device_id] = (raw, device)
            found[device.device_id] = device
    return found


@functools.cache
def _tag_columns() -> str:
    """SELECT of the :class:`TagRow` columns of one enterprise's tags."""
    tag = Tag._meta
    names = ["id" if name == "pk" else name for name in TagRow._fields]
    columns = ", ".join(column(tag.get_field(name)) for name in names)
    return f"SELECT {columns} FROM {table(Tag)} WHERE {column(tag.get_field('enterprise'))} = %s"


def _tag_row(row: tuple[Any, ...]) -> TagRow:
    pk, code, active, unit, low, high = row
    return TagRow(pk, code, bool(active), unit, low, high)  # SQLite answers 0/1 for booleans


def _memo(kind: str, key: str, load: Any) -> Any:
    memo: dict[tuple[str, str], Any] | None = getattr(_group, "memo", None)
    if memo is None:
        return load()
    if (kind, key) not in memo:
        memo[(kind, key)] = load()
    return memo[(kind, key)]


def device(device_id: str) -> Device | None:
    """The device row with this id (any kind, active or not), its enterprise joined."""
    return _memo(  # type: ignore[no-any-return]
        "device",
        device_id,
        lambda: Device.objects.select_related("enterprise").filter(device_id=device_id).first(),
    )


@functools.lru_cache(maxsize=4096)
def _public_key(pem: str) -> PublicKey:
    return load_public_key(pem.encode("ascii"))


def _load_key(key_id: str) -> tuple[TerminalKey, lifecycle.KeyRecord] | None:
    """The key read now as a raw row; what was built from an equal row is reused.

    Building the key and device instances through the ORM cost ≈ 0.4 ms per look-up, more than
    verifying a signature (as for devices, ADR 0255).
    """
    raw = key_row(key_id)
    if raw is None:
        _keys.pop(key_id, None)
        return None
    hit = _keys.get(key_id)
    if hit is not None and hit[0] == raw:
        return hit[1]
    row = TerminalKey.objects.select_related("device").filter(key_id=key_id).first()
    if row is None:  # pragma: no cover - removed between the two reads
        return None
    record = lifecycle.KeyRecord(  # as evidence.services.key_record, with the key parsed once
        key=_public_key(row.public_key_pem),
        owner=row.device.device_id,
        enrolled_at=row.enrolled_at,
        revoked_at=row.revoked_at,
        rotated_to=row.rotated_to or None,
        tenant=str(row.device.enterprise_id),
    )
    built = (row, record)
    _keys[key_id] = (raw, built)
    return built


def terminal_key(key_id: str) -> tuple[TerminalKey, lifecycle.KeyRecord] | None:
    """``(TerminalKey row, lifecycle KeyRecord)`` of an enrolled key id, else ``None``."""
    return _memo("key", key_id, lambda: _load_key(key_id))  # type: ignore[no-any-return]


def enterprise_tags(enterprise_id: int, *, fresh: bool = False) -> dict[str, TagRow]:
    """Every tag of the enterprise by code (``fresh``: read again now).

    A table read again and found equal to the cached one is kept (the same object), so the
    validation plans kept with it (:func:`plan_memo`) survive; a logger sending once a minute
    would otherwise find its table expired, and its plans gone, at every frame.
    """
    now = time.monotonic()
    hit = _tags.get(enterprise_id)
    if hit is not None and hit[0] > now and not fresh:
        return hit[1]
    with connection.cursor() as cursor:  # a plain query: the ORM's building cost more
        cursor.execute(_tag_columns(), [enterprise_id])
        table = {row[1]: _tag_row(row) for row in cursor.fetchall()}
    if hit is not None and hit[1] == table:
        table = hit[1]
    _tags[enterprise_id] = (now + TTL_S, table)
    return table


for _model in (Device, TerminalKey, Tag, Enterprise):
    post_save.connect(clear, sender=_model, dispatch_uid=f"ingest-cache-{_model.__name__}")
    post_delete.connect(clear, sender=_model, dispatch_uid=f"ingest-cache-del-{_model.__name__}")
