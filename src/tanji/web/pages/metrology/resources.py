"""Metrology records on the generic page bases: list, detail and form pages by declaration.

Personnel papers (with their validity flag), calibration plans, QC records and year-end ledger
snapshots are plain list/detail/form records; declaring them here replaces hand-written views
and templates. The dashboards (diagram, ledger with compliance, calibration, review desk) stay
views of their own. Figures carry their units in the cell (``12 个月``, ``1.11 % ≤ 15 %``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from tanji.metrology import calibration, personnel, plans, queries, signing
from tanji.metrology.choices import QCKindChoices
from tanji.metrology.models import (
    CalibrationPlan,
    LedgerSnapshot,
    PersonnelDocument,
    QCRecord,
    ReviewerQualification,
)
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.permissions import Action
from tanji.web.pages.generic.resources import Resource

#: Units of the QC figures of merit: E_n is a ratio, RA and imbalance are percentages.
QC_UNITS: dict[str, str] = {
    QCKindChoices.REFERENCE_MATERIAL: "",
    QCKindChoices.CEMS_RATA: " %",
    QCKindChoices.CROSS_METER: " %",
}


def validity_flag(document: PersonnelDocument) -> str:
    """The paper's flag today (valid / expiring / expired / failed), translated."""
    flag = signing.document_flag(document, timezone.localdate())
    labels = {
        "valid": gettext("valid"),
        "expiring": gettext("expiring"),
        "expired": gettext("expired"),
        "failed": gettext("failed"),
    }
    return labels[flag]


def score(document: PersonnelDocument) -> str:
    """An exam score out of 100 points."""
    return (
        "—" if document.score is None else gettext("%(score)g points") % {"score": document.score}
    )


def period(plan: CalibrationPlan) -> str:
    """The plan's period with its unit."""
    return gettext("%(months)d months") % {"months": plan.period_months}


def qc_result(record: QCRecord) -> str:
    """Figure of merit against its limit, with the unit of its kind."""
    unit = QC_UNITS.get(record.kind, "")
    if record.kind == QCKindChoices.CROSS_METER:
        return f"{record.result_value:+.2f}{unit} (|Δ| ≤ {record.limit_value:g}{unit})"
    return f"{record.result_value:.2f}{unit} (≤ {record.limit_value:g}{unit})"


def changes(snapshot: LedgerSnapshot) -> str:
    """Counts of instruments added, removed and changed since the previous snapshot."""
    diff: dict[str, Any] = snapshot.changes or {}
    return gettext("%(added)d added, %(removed)d removed, %(changed)d changed") % {
        "added": len(diff.get("added", [])),
        "removed": len(diff.get("removed", [])),
        "changed": len(diff.get("changed", {})),
    }


PERSONNEL = Resource(
    slug="personnel",
    model=PersonnelDocument,
    label=_("Personnel records"),
    rows=lambda actor: queries.personnel_documents(actor).order_by("person_id", "kind", "pk"),
    row=queries.personnel_document,
    columns=("title", "person", "kind", "number", "valid_until", "flag"),
    search=("title", "number", "person__username", "person__display_name"),
    detail=("person", "kind", "title", "number", "issued_on", "valid_until", "score", "scope"),
    create=personnel.add_personnel_document,
    update=personnel.update_personnel_document,
    create_fields=(
        "enterprise",
        "person",
        "kind",
        "title",
        "number",
        "issued_on",
        "valid_until",
        "score",
        "scope",
    ),
    edit_fields=("title", "number", "issued_on", "valid_until", "score", "scope"),
    scoped={"enterprise": tenancy_queries.enterprises, "person": tenancy_queries.users},
    edit_action=Action.EDIT_INSTRUMENTS,
    computed={"flag": (_("validity"), validity_flag), "score": (_("score"), score)},
)

PLANS = Resource(
    slug="plans",
    model=CalibrationPlan,
    label=_("Calibration plans"),
    rows=queries.calibration_plans,
    row=queries.calibration_plan,
    columns=("instrument", "kind", "regulation", "period", "first_due_on", "retired_on"),
    search=("instrument__code", "instrument__name_zh", "regulation"),
    detail=(
        "instrument",
        "kind",
        "regulation",
        "period",
        "first_due_on",
        "rule_version",
        "retired_on",
    ),
    create=calibration.create_plan,
    update=plans.update_plan,
    create_fields=("instrument", "first_due_on", "period_months", "kind"),
    edit_fields=("period_months", "first_due_on", "kind"),
    scoped={"instrument": lambda actor: queries.instruments(actor, active_only=True)},
    edit_action=Action.EDIT_INSTRUMENTS,
    computed={"period": (_("period"), period)},
)

QC_RECORDS = Resource(
    slug="qc",
    model=QCRecord,
    label=_("Quality-control records"),
    rows=queries.qc_records,
    row=queries.qc_record,
    columns=("performed_on", "kind", "instrument", "result", "passed", "clause"),
    search=("clause", "instrument__code"),
    detail=("performed_on", "kind", "instrument", "inputs", "result", "passed", "clause"),
    computed={"result": (_("result against limit"), qc_result)},
)

SNAPSHOTS = Resource(
    slug="snapshots",
    model=LedgerSnapshot,
    label=_("Ledger snapshots"),
    rows=queries.ledger_snapshots,
    row=queries.ledger_snapshot,
    columns=("year", "enterprise", "taken_at", "summary", "sha256"),
    detail=("year", "enterprise", "taken_at", "summary", "changes", "sha256"),
    computed={"summary": (_("changes since the previous snapshot"), changes)},
)


def qualification_flag(row: ReviewerQualification) -> str:
    """Whether the qualification is valid today (ADR 0191: from issue to ``valid_until``)."""
    today = timezone.localdate()
    if row.valid_until < today:
        return gettext("expired")
    return gettext("valid") if row.issued_on <= today else gettext("not yet valid")


def qualification_context(actor: Any, row: ReviewerQualification) -> dict[str, Any]:
    """The expire button shows to platform operators while the qualification has not ended."""
    return {"expirable": actor.is_platform and row.valid_until >= timezone.localdate()}


REVIEWER_QUALIFICATIONS = Resource(
    slug="reviewer-qualifications",
    model=ReviewerQualification,
    label=_("Reviewer qualifications"),
    rows=lambda actor: queries.reviewer_qualifications(actor).order_by("-valid_until", "pk"),
    row=queries.reviewer_qualification,
    columns=("number", "person", "province", "issued_on", "valid_until", "flag"),
    search=("number", "person__username", "person__display_name"),
    create=personnel.add_reviewer_qualification,
    create_fields=("province", "person", "number", "issued_on", "valid_until"),
    scoped={"province": tenancy_queries.provinces, "person": tenancy_queries.users},
    edit_action=Action.MANAGE_PLATFORM,
    computed={"flag": (_("validity"), qualification_flag)},
    detail_include="metrology/_qualification_expire.html",
    detail_context=qualification_context,
)

RESOURCES = (PERSONNEL, PLANS, QC_RECORDS, SNAPSHOTS, REVIEWER_QUALIFICATIONS)
