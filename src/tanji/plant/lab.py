"""Writes of laboratory analyses: one analysis and its results, recorded together.

Part of the plant app's service layer (split from :mod:`tanji.plant.services` by subject).
Results arrive as :class:`ResultInput` rows; each is validated against the units admissible
for its parameter (``PARAMETER_UNITS``) and the error names the row. The analysis with all its
results is then committed to the transparency log as one canonical lab record
(:mod:`tanji.protocols.records`) in the same transaction; a correction commits it again, so the
newest record of an analysis always describes the stored rows (ADR 0180).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from tanji.plant import queries, trust_hook
from tanji.plant.models import LabAnalysis, LabResult
from tanji.protocols import records
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput, apply_changes, clean_or_raise, get_visible
from tanji.tenancy.writes import save_new

__all__ = [
    "ResultInput",
    "correct_lab_result",
    "record_lab_analysis",
]

ANALYSIS_FIELDS = frozenset(
    {
        "sample_id",
        "material",
        "sampled_at",
        "analysed_at",
        "method_standard",
        "instrument_code",
        "notes",
    }
)
RESULT_FIELDS = frozenset({"parameter", "value", "unit", "standard_uncertainty", "method_standard"})


@dataclass(frozen=True)
class ResultInput:
    """One parameter of an analysis as entered or imported."""

    parameter: str
    value: float
    unit: str
    standard_uncertainty: float | None = None
    method_standard: str = ""


@transaction.atomic
def record_lab_analysis(
    actor: Actor,
    *,
    enterprise_id: int,
    sampled_at: datetime,
    analysed_at: datetime,
    results: Sequence[ResultInput],
    line_id: int | None = None,
    source_id: int | None = None,
    analyst_id: int | None = None,
    channel: str = "manual",
    log: Callable[[LabAnalysis], None] | None = None,
    **fields: Any,
) -> LabAnalysis:
    """Record an analysed sample with its results (lab staff or enterprise admin).

    ``channel`` (``manual``, ``file``, ``api``) says how the result reached the platform; it is
    kept in the logged record. ``log`` replaces the platform record as the analysis's log
    entry: a submission signed with the person's own key logs the envelope as received
    (ADR 0231).
    """
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_LAB, enterprise)
    analysis = LabAnalysis(
        enterprise=enterprise,
        line=queries.line(actor, line_id) if line_id is not None else None,
        source=queries.source(actor, source_id) if source_id is not None else None,
        analyst=get_visible(tenancy_queries.users(actor), analyst_id, "user")
        if analyst_id
        else None,
    )
    fields |= {"sampled_at": sampled_at, "analysed_at": analysed_at}
    save_new(actor, analysis, fields, ANALYSIS_FIELDS)
    if not results:
        raise InvalidInput(
            "plant.lab_no_results",
            "analysis {sample} has no results",
            sample=analysis.sample_id,
        )
    for row, result in enumerate(results, start=1):
        _add_result(actor, analysis, row, result)
    if log is None:
        _commit(actor, analysis, channel)
    else:
        log(analysis)
    return analysis


def lab_record(analysis: LabAnalysis, channel: str, submitted_by: str) -> bytes:
    """The canonical lab record of an analysis and its stored results (what the log holds)."""
    results = [
        records.LabResultRecord(
            r.parameter, r.value, r.unit, r.standard_uncertainty, r.method_standard
        )
        for r in analysis.results.all()
    ]
    return records.canonical(
        {
            "analysed_at": records.iso(analysis.analysed_at),
            "analysis": analysis.pk,
            "analyst": analysis.analyst.username if analysis.analyst else "",
            "channel": channel,
            "enterprise": analysis.enterprise_id,
            "format": records.LAB_FORMAT,
            "instrument_code": analysis.instrument_code,
            "line": analysis.line_id,
            "material": analysis.material,
            "method_standard": analysis.method_standard,
            "notes": analysis.notes,
            "results": records.lab_results(results),
            "sample_id": analysis.sample_id,
            "sampled_at": records.iso(analysis.sampled_at),
            "source": analysis.source_id,
            "submitted_by": submitted_by,
        }
    )


def _commit(actor: Actor, analysis: LabAnalysis, channel: str) -> None:
    body = lab_record(analysis, channel, actor.username)
    trust_hook.commit_record(body, analysis.enterprise_id, actor.user_id)


def _add_result(actor: Actor, analysis: LabAnalysis, row: int, result: ResultInput) -> None:
    entry = LabResult(enterprise_id=analysis.enterprise_id, analysis=analysis)
    try:
        save_new(actor, entry, vars(result), RESULT_FIELDS)
    except InvalidInput as error:
        raise InvalidInput(
            "plant.lab_result_invalid",
            "analysis {sample}, result row {row} ({parameter}): {detail}",
            sample=analysis.sample_id,
            row=row,
            parameter=result.parameter,
            detail=str(error),
            field=error.params.get("field"),
        ) from error


@transaction.atomic
def correct_lab_result(actor: Actor, result_id: int, *, reason: str, **changes: Any) -> LabResult:
    """Correct a result's value, unit or uncertainty; the reason is kept in the audit entry."""
    result = queries.lab_result(actor, result_id)
    actor.require(Action.EDIT_LAB, result.enterprise)
    if not reason.strip():
        raise InvalidInput(
            "plant.lab_correction_reason",
            "correcting result {result} of {sample} needs a reason",
            result=result.parameter,
            sample=result.analysis.sample_id,
        )
    before = snapshot(result)
    apply_changes(result, changes, {"value", "unit", "standard_uncertainty"})
    clean_or_raise(result)
    result.save()
    record(actor, "correct", result, before, snapshot(result) | {"reason": reason})
    _commit(actor, result.analysis, "correction")
    return result
