"""The platform-record half of ``tanji audit``: lab rows and review events against their leaves.

Every lab analysis must have a logged lab record, and the newest record of the analysis must be
exactly the record rebuilt from the stored rows (an edited value, unit, uncertainty, analyst or
method, a deleted or added result); every logged analysis must still exist (a deleted row).
Every review event must equal its logged record and every logged event must exist. Records name
their row ids, so a reordering of rows (ids swapped between rows) shows as edited content.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tanji.errors import CodedError
from tanji.evidence.choices import ChannelChoices
from tanji.evidence.models import RawEnvelope
from tanji.metrology.models import ReviewEvent
from tanji.metrology.review_log import review_record
from tanji.plant.lab import lab_record
from tanji.plant.models import LabAnalysis
from tanji.protocols.records import LAB_FORMAT, REVIEW_FORMAT, parse_record

__all__ = ["record_divergences"]

Finding = tuple[str, str, str]


def record_divergences() -> Iterator[Finding]:
    """Findings for lab analyses and review events (see the module docstring)."""
    labs: dict[int, tuple[RawEnvelope, dict[str, Any]]] = {}
    reviews: dict[int, tuple[RawEnvelope, dict[str, Any]]] = {}
    rows = RawEnvelope.objects.filter(channel=ChannelChoices.RECORD).order_by("log_index")
    for row in rows.iterator():
        try:
            record = parse_record(bytes(row.body))
        except CodedError as error:
            yield ("record.undecodable", f"evidence_rawenvelope id={row.pk}", str(error))
            continue
        if record["format"] == LAB_FORMAT:
            labs[record["analysis"]] = (row, record)  # log order: the newest wins
        elif record["format"] == REVIEW_FORMAT:
            reviews[record["event"]] = (row, record)
    yield from _lab_divergences(labs)
    yield from _review_divergences(reviews)


def _lab_divergences(logged: dict[int, tuple[RawEnvelope, dict[str, Any]]]) -> Iterator[Finding]:
    stored = LabAnalysis.objects.select_related("analyst").order_by("pk")
    seen: set[int] = set()
    for analysis in stored.iterator():
        seen.add(analysis.pk)
        where = f"plant_labanalysis id={analysis.pk} sample_id={analysis.sample_id}"
        if analysis.pk not in logged:
            yield ("lab.not_logged", where, "no lab record in the log names this analysis")
            continue
        row, record = logged[analysis.pk]
        rebuilt = lab_record(analysis, record["channel"], record["submitted_by"])
        if rebuilt != bytes(row.body):
            detail = _differences(record, json.loads(rebuilt))
            yield ("lab.edited", where, f"differs from log leaf {row.log_index}: {detail}")
    for analysis_id in sorted(logged.keys() - seen):
        row, record = logged[analysis_id]
        where = f"plant_labanalysis id={analysis_id} sample_id={record['sample_id']}"
        yield ("lab.deleted", where, f"logged at leaf {row.log_index} but no longer stored")


def _review_divergences(
    logged: dict[int, tuple[RawEnvelope, dict[str, Any]]],
) -> Iterator[Finding]:
    seen: set[int] = set()
    for event in ReviewEvent.objects.order_by("pk").iterator():
        seen.add(event.pk)
        where = f"metrology_reviewevent id={event.pk} review={event.review_id}"
        if event.pk not in logged:
            yield ("review.not_logged", where, "no review record in the log names this event")
            continue
        row, record = logged[event.pk]
        rebuilt = review_record(event)
        if rebuilt != bytes(row.body):
            detail = _differences(record, json.loads(rebuilt))
            yield ("review.edited", where, f"differs from log leaf {row.log_index}: {detail}")
    for event_id in sorted(logged.keys() - seen):
        row, record = logged[event_id]
        where = f"metrology_reviewevent id={event_id} review={record['review']}"
        yield ("review.deleted", where, f"logged at leaf {row.log_index} but no longer stored")


def _differences(logged: dict[str, Any], stored: dict[str, Any]) -> str:
    """Which members differ, with the logged and the stored value (results item by item)."""
    parts = []
    for key in sorted(logged.keys() | stored.keys()):
        if key == "results":
            old = {r["parameter"]: r for r in logged.get(key, [])}
            new = {r["parameter"]: r for r in stored.get(key, [])}
            parts += [
                f"result {p}: logged {old.get(p)}, stored {new.get(p)}"
                for p in sorted(old.keys() | new.keys())
                if old.get(p) != new.get(p)
            ]
        elif logged.get(key) != stored.get(key):
            parts.append(f"{key}: logged {logged.get(key)!r}, stored {stored.get(key)!r}")
    return "; ".join(parts) or "byte encoding differs"
