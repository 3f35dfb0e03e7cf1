"""Read-through caches of what every submission looks up: devices, keys, an enterprise's tags.

Profiling (ADR 0150) found that a 500-sample batch spent more time finding its device, key and
tags (six ORM queries) than storing its samples. These rows change rarely and only through the
services, whose ``save``/``delete`` fire Django signals: every change in this process clears
the caches at once. Another process (web server vs. gateway) sees a change after at most
:data:`TTL_S` seconds, the bound on how long a revoked key or a deactivated device can still be
accepted elsewhere; receive-time rules (key validity at ``received_at``) are still applied to
every submission by the stages, only the rows are cached.

The cached rows are read-only for callers. Entries are keyed by plain values and replaced whole,
so concurrent threads need no lock (a lost race only loads a row twice).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models.signals import post_delete, post_save

from tanji.evidence.models import Device, TerminalKey
from tanji.plant.models import Tag
from tanji.tenancy.models import Enterprise

__all__ = ["TTL_S", "clear", "device", "enterprise_tags", "terminal_key"]

#: How long an entry lives when no signal of this process cleared it (cross-process bound).
TTL_S = 30.0

T = TypeVar("T")
_entries: dict[tuple[str, Any], tuple[float, Any]] = {}


def _cached(kind: str, key: Any, load: Callable[[], T]) -> T:
    now = time.monotonic()
    hit = _entries.get((kind, key))
    if hit is not None and hit[0] > now:
        return hit[1]  # type: ignore[no-any-return]
    value = load()
    _entries[(kind, key)] = (now + TTL_S, value)
    return value


def clear(*_: Any, **__: Any) -> None:
    """Forget every entry (signal receiver; tests call it between cases)."""
    _entries.clear()


def device(device_id: str) -> Device | None:
    """The device row with this id (any kind, active or not), its enterprise joined."""
    return _cached(
        "device",
        device_id,
        lambda: Device.objects.select_related("enterprise").filter(device_id=device_id).first(),
    )


def terminal_key(key_id: str) -> Any:
    """``(TerminalKey row, lifecycle KeyRecord)`` of an enrolled key id, else ``None``."""
    from tanji.evidence.services import key_record

    def load() -> Any:
        row = TerminalKey.objects.select_related("device").filter(key_id=key_id).first()
        return None if row is None else (row, key_record(row))

    return _cached("key", key_id, load)


def enterprise_tags(enterprise_id: int) -> dict[str, Tag]:
    """Every tag of the enterprise by code (device channels validate against these)."""
    return _cached(
        "tags",
        enterprise_id,
        lambda: {t.code: t for t in Tag.objects.filter(enterprise_id=enterprise_id)},
    )


for _model in (Device, TerminalKey, Tag, Enterprise):
    post_save.connect(clear, sender=_model, dispatch_uid=f"ingest-cache-{_model.__name__}")
    post_delete.connect(clear, sender=_model, dispatch_uid=f"ingest-cache-del-{_model.__name__}")
