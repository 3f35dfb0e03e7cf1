"""The year-end ledger update (R7.1.2): snapshot, changes since the last one, submission.

A snapshot freezes the ledger rows of one enterprise with their SHA-256 (over canonical JSON), so
the reviewer approves exactly what was submitted, and lists what changed since the previous
snapshot: instruments added, removed and fields changed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from tanji.metrology import queries
from tanji.metrology.models import Instrument, LedgerSnapshot
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_new

__all__ = ["diff_rows", "ledger_rows", "rows_sha256", "take_ledger_snapshot"]

#: The first year a ledger snapshot may be taken for (GB 17167-2006 has applied since 2007).
FIRST_YEAR = 2007
#: The ledger columns (GB 17167 §5.2 台账 content, plus the platform's links).
LEDGER_COLUMNS = (
    "code",
    "name_zh",
    "instrument_type",
    "maker",
    "model",
    "serial_number",
    "range_min",
    "range_max",
    "range_unit",
    "accuracy_class",
    "metering_level",
    "energy_kind",
    "use",
    "measured_medium",
    "required_class",
    "install_location",
    "installed_on",
    "commissioned_on",
    "status",
    "retired_on",
)


def ledger_row(instrument: Instrument) -> dict[str, Any]:
    """One instrument as a ledger row (dates as ISO strings, links as codes/names)."""
    row = {c: getattr(instrument, c) for c in LEDGER_COLUMNS}
    row = {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
    row["responsible"] = instrument.responsible.username
    row["location"] = instrument.location.key if instrument.location else ""
    row["point"] = instrument.point.code if instrument.point else ""
    row["tags"] = sorted(instrument.tags.values_list("code", flat=True))
    return row


def ledger_rows(actor: Actor, enterprise_id: int, year: int) -> list[dict[str, Any]]:
    """Rows of instruments in the ledger during ``year`` (not retired before it began)."""
    start = date(year, 1, 1)
    rows = queries.instruments(actor).filter(enterprise_id=enterprise_id).select_related("point")
    kept = [i for i in rows if i.retired_on is None or i.retired_on >= start]
    return [ledger_row(i) for i in sorted(kept, key=lambda i: i.code)]


def rows_sha256(rows: list[dict[str, Any]]) -> str:
    """SHA-256 of the rows as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def diff_rows(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """Codes added and removed, and per kept code the fields whose values changed."""
    old, new = {r["code"]: r for r in before}, {r["code"]: r for r in after}
    changed = {
        code: {
            f: [old[code].get(f), new[code][f]]
            for f in new[code]
            if old[code].get(f) != new[code][f]
        }
        for code in sorted(old.keys() & new.keys())
    }
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": {code: fields for code, fields in changed.items() if fields},
    }


@transaction.atomic
def take_ledger_snapshot(actor: Actor, *, enterprise_id: int, year: int) -> LedgerSnapshot:
    """Freeze the year's ledger and record its changes since the previous snapshot."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_INSTRUMENTS, enterprise)
    this_year = timezone.now().year
    if not FIRST_YEAR <= year <= this_year:
        raise InvalidInput(
            "metrology.bad_year",
            "year: expected {first}–{last}, got {year}",
            first=FIRST_YEAR,
            last=this_year,
            year=year,
            field="year",
        )
    rows = ledger_rows(actor, enterprise_id, year)
    previous = queries.ledger_snapshots(actor).filter(enterprise=enterprise).first()
    changes = diff_rows(previous.rows if previous else [], rows)
    snapshot = LedgerSnapshot(
        enterprise=enterprise, year=year, rows=rows, changes=changes, sha256=rows_sha256(rows)
    )
    return save_new(actor, snapshot)
