"""Writes of verification/calibration (R7.2.1, R7.2.2, R4.2.3), and the reminder job.

Bodies, reference standards, plans, certificates with their screened documents.

A plan's period comes from the JJG/JJF rule data and may be shortened, never lengthened; a
certificate's parsed fields are validated against its plan and its traceability chain before it
is stored, and its file's sha256 is handed to the trust log through :mod:`trust_hook`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tanji.metrology import queries, rules, signing, trust_hook, uploads
from tanji.metrology.choices import SigningScopeChoices
from tanji.metrology.models import (
    CalibrationAlert,
    CalibrationBody,
    CalibrationPlan,
    Certificate,
    Instrument,
    ReferenceStandard,
    StoredDocument,
)
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.models import Enterprise
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput, get_visible
from tanji.tenancy.writes import save_new

__all__ = [
    "CertificateFields",
    "active_plan",
    "add_months",
    "create_plan",
    "next_due_date",
    "raise_calibration_alerts",
    "record_body",
    "record_certificate",
    "record_standard",
    "store_document",
]

BODY_FIELDS = frozenset({"name", "accreditation_no", "accreditation_valid_until"})
STANDARD_FIELDS = frozenset({"name", "certificate_no", "valid_until", "national_standard"})
MAX_K = 10.0


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def record_body(actor: Actor, *, enterprise_id: int, **fields: Any) -> CalibrationBody:
    """Record a calibrating body and its accreditation number."""
    enterprise = _editable_enterprise(actor, enterprise_id)
    return save_new(actor, CalibrationBody(enterprise=enterprise), fields, BODY_FIELDS)


@transaction.atomic
def record_standard(
    actor: Actor, *, body_id: int, traced_to_id: int | None = None, **fields: Any
) -> ReferenceStandard:
    """Record a reference standard of a body, traced to another standard or a national one."""
    body = get_visible(queries.calibration_bodies(actor), body_id, "calibration body")
    actor.require(Action.EDIT_INSTRUMENTS, body.enterprise)
    traced = None
    if traced_to_id is not None:
        standards = queries.reference_standards(actor).filter(enterprise_id=body.enterprise_id)
        traced = get_visible(standards, traced_to_id, "reference standard")
    standard = ReferenceStandard(enterprise_id=body.enterprise_id, body=body, traced_to=traced)
    if traced is None and not fields.get("national_standard"):
        raise InvalidInput(
            "metrology.chain_open",
            "standard {name}: name the standard it traces to or the national standard",
            name=fields.get("name", ""),
            field="traced_to",
        )
    return save_new(actor, standard, fields, STANDARD_FIELDS)


@transaction.atomic
def create_plan(
    actor: Actor,
    instrument_id: int,
    *,
    first_due_on: date,
    period_months: int | None = None,
    kind: str | None = None,
) -> CalibrationPlan:
    """Plan an instrument's verification/calibration with the period its regulation sets."""
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    signing.require_signer(actor, instrument.enterprise, SigningScopeChoices.CALIBRATION, _today())
    period = rules.verification_period(instrument.instrument_type, instrument.accuracy_class)
    months = period.months if period_months is None else period_months
    if not 0 < months <= period.months:
        raise InvalidInput(
            "metrology.period_exceeds_regulation",
            "period_months: {months} exceeds {regulation}'s {limit} months",
            months=months,
            regulation=period.regulation,
            limit=period.months,
            field="period_months",
        )
    plan = CalibrationPlan(
        enterprise_id=instrument.enterprise_id,
        instrument=instrument,
        kind=kind or period.kind,
        regulation=period.regulation,
        period_months=months,
        first_due_on=first_due_on,
        rule_version=rules.provenance(rules.PERIODS_FILE).version,
    )
    return save_new(actor, plan)


@transaction.atomic
def store_document(
    actor: Actor, *, enterprise_id: int, filename: str, content: bytes, kind: str
) -> StoredDocument:
    """Screen an upload (:func:`uploads.screen`), store it with its sha256, log the hash."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.VIEW, enterprise)
    accepted = uploads.screen(filename, content)
    document = StoredDocument(
        enterprise=enterprise,
        filename=accepted.filename,
        content_type=accepted.content_type,
        size=accepted.size,
        sha256=accepted.sha256,
        content=content,
        uploaded_by_id=actor.user_id,
        trust_leaf=trust_hook.commit_document_hash(
            accepted.sha256, kind, enterprise.pk, actor.user_id
        ),
    )
    document.save()
    record(actor, "upload", document, None, _document_snapshot(document))
    return document


@dataclass(frozen=True)
class CertificateFields:
    """The fields read off a certificate by the person entering it.

    ``next_due_on`` left empty is computed by the platform (:func:`next_due_date`).
    """

    number: str
    calibrated_on: date
    body_id: int
    standard_id: int
    method: str
    result: str
    next_due_on: date | None = None
    expanded_u: float | None = None
    coverage_k: float | None = None
    expanded_u_relative: bool = True


@transaction.atomic
def record_certificate(
    actor: Actor,
    instrument_id: int,
    fields: CertificateFields,
    *,
    filename: str,
    content: bytes,
) -> Certificate:
    """Enter a certificate: screened file, validated fields, checked chain (R7.2.2, R4.2.3)."""
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    signing.require_signer(actor, instrument.enterprise, SigningScopeChoices.CALIBRATION, _today())
    body, standard = _chain(actor, instrument, fields)
    if fields.next_due_on is None:
        fields = replace(fields, next_due_on=next_due_date(instrument, fields.calibrated_on))
    _check_fields(instrument, fields)
    document = store_document(
        actor,
        enterprise_id=instrument.enterprise_id,
        filename=filename,
        content=content,
        kind="calibration_certificate",
    )
    certificate = Certificate(
        enterprise_id=instrument.enterprise_id,
        instrument=instrument,
        body=body,
        standard=standard,
        document=document,
        signed_by_id=actor.user_id,
        **{k: v for k, v in vars(fields).items() if k not in ("body_id", "standard_id")},
    )
    return save_new(actor, certificate)


def _chain(
    actor: Actor, instrument: Instrument, fields: CertificateFields
) -> tuple[CalibrationBody, ReferenceStandard]:
    bodies = queries.calibration_bodies(actor).filter(enterprise_id=instrument.enterprise_id)
    body: CalibrationBody = get_visible(bodies, fields.body_id, "calibration body")
    standards = queries.reference_standards(actor).filter(body=body)
    standard: ReferenceStandard = get_visible(standards, fields.standard_id, "reference standard")
    at = fields.calibrated_on
    if body.accreditation_valid_until and body.accreditation_valid_until < at:
        raise _field(
            "body",
            "accreditation {no} had expired on {at}",
            no=body.accreditation_no,
            at=at.isoformat(),
        )
    if standard.valid_until < at:
        raise _field(
            "standard",
            "standard {name} was out of date on {at}",
            name=standard.name,
            at=at.isoformat(),
        )
    return body, standard


def active_plan(instrument: Instrument) -> CalibrationPlan | None:
    """The instrument's plan unless it has been retired."""
    try:
        plan: CalibrationPlan = instrument.plan
    except CalibrationPlan.DoesNotExist:
        return None
    return plan if plan.retired_on is None else None


def next_due_date(instrument: Instrument, calibrated_on: date) -> date:
    """Calibration date plus the plan's period, else the regulation's (JJG/JJF rule data)."""
    plan = active_plan(instrument)
    if plan is not None:
        return add_months(calibrated_on, plan.period_months)
    period = rules.verification_period(instrument.instrument_type, instrument.accuracy_class)
    return add_months(calibrated_on, period.months)


def _check_fields(instrument: Instrument, fields: CertificateFields) -> None:
    if fields.calibrated_on > _today():
        raise _field("calibrated_on", "lies in the future ({at})", at=fields.calibrated_on)
    if fields.calibrated_on < add_months(instrument.installed_on, -24):
        raise _field("calibrated_on", "more than two years before installation")
    due = fields.next_due_on or next_due_date(instrument, fields.calibrated_on)
    if due <= fields.calibrated_on:
        raise _field("next_due_on", "must follow the calibration date")
    plan = active_plan(instrument)
    if plan is not None and due > add_months(fields.calibrated_on, plan.period_months):
        raise _field(
            "next_due_on", "beyond the plan's period of {months} months", months=plan.period_months
        )
    _check_result(fields)


def _check_result(fields: CertificateFields) -> None:
    if fields.result not in ("pass", "fail"):
        raise _field("result", "expected pass or fail, got {got}", got=fields.result)
    if (fields.expanded_u is None) != (fields.coverage_k is None):
        raise _field("coverage_k", "U and k are given together")
    if fields.expanded_u is not None and fields.expanded_u < 0:
        raise _field("expanded_u", "must not be negative")
    if fields.coverage_k is not None and not 0 < fields.coverage_k <= MAX_K:
        raise _field("coverage_k", "expected 0 < k ≤ 10, got {got}", got=fields.coverage_k)
    if not fields.number.strip() or not fields.method.strip():
        raise _field("number", "certificate number and method are required")


def _field(field: str, message: str, **params: Any) -> InvalidInput:
    return InvalidInput(
        "metrology.certificate_field", f"{{field}}: {message}", field=field, **params
    )


def raise_calibration_alerts(
    actor: Actor, at: date, within_days: int = 30
) -> list[CalibrationAlert]:
    """The reminder job: one alert per instrument and due date, and the cached status refreshed.

    Idempotent: running it twice on a day raises nothing new.
    """
    raised = []
    for item in queries.calibrations_due(actor, at, within_days):
        instrument = queries.instrument(actor, item.instrument_id)
        kind = "due_soon" if item.state == "ok" else item.state
        status = {"ok": "due_soon", "overdue": "overdue", "failed": "overdue"}.get(item.state)
        if status is not None and instrument.calibration_status != status:
            before = snapshot(instrument)
            instrument.calibration_status = status
            instrument.save(update_fields=["calibration_status"])
            record(actor, "calibration_status", instrument, before, snapshot(instrument))
        due = item.due_on or at
        if (
            not queries.calibration_alerts(actor)
            .filter(instrument=instrument, kind=kind, due_on=due)
            .exists()
        ):
            alert = CalibrationAlert(
                enterprise_id=instrument.enterprise_id, instrument=instrument, kind=kind, due_on=due
            )
            raised.append(save_new(actor, alert))
    return raised


def _editable_enterprise(actor: Actor, enterprise_id: int) -> Enterprise:
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_INSTRUMENTS, enterprise)
    return enterprise


def _document_snapshot(document: StoredDocument) -> dict[str, Any]:
    return {k: v for k, v in snapshot(document).items() if k != "content"}


def _today() -> date:
    return timezone.localdate()
