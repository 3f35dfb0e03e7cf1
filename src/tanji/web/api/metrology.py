"""API of the metrology context (R4.2.3, R4.2.6, R7.1.x, R7.2.x).

The instrument ledger, calibration plans and the due list, certificates (read, and upload with
the same screening as the pages), a certificate's traceability chain, personnel records,
metrology reviews and their transitions, the GB 17167 compliance table and tags' metrology
status. Handlers call :mod:`tanji.metrology` queries and services only; no model is written here.
"""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, ModelSchema, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from tanji.metrology import calibration, compliance, queries, reviews, traceability
from tanji.metrology.models import (
    CalibrationPlan,
    Certificate,
    Instrument,
    PersonnelDocument,
    Review as ReviewModel,
)
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, api_requires

router = Router(tags=["metrology"])


class InstrumentOut(ModelSchema):
    """One instrument of the ledger."""

    class Meta:
        model = Instrument
        fields = [
            "id",
            "enterprise",
            "code",
            "name_zh",
            "instrument_type",
            "range_min",
            "range_max",
            "range_unit",
            "accuracy_class",
            "calibration_status",
            "installed_on",
            "retired_on",
        ]


class PlanOut(ModelSchema):
    """An instrument's calibration plan: regulation, period and the rule version it came from."""

    class Meta:
        model = CalibrationPlan
        fields = [
            "id",
            "enterprise",
            "instrument",
            "kind",
            "regulation",
            "period_months",
            "first_due_on",
            "rule_version",
        ]


class DueOut(Schema):
    """An instrument overdue, failed or due soon; ``days_left`` is negative when overdue."""

    instrument_id: int
    code: str
    due_on: date | None
    days_left: int | None
    state: str


class CertificateOut(ModelSchema):
    """A calibration/verification certificate as entered."""

    class Meta:
        model = Certificate
        fields = [
            "id",
            "enterprise",
            "instrument",
            "number",
            "calibrated_on",
            "body",
            "standard",
            "method",
            "result",
            "expanded_u",
            "expanded_u_relative",
            "coverage_k",
            "next_due_on",
            "document",
        ]


class CertificateCreate(Schema):
    """The fields read off a certificate; the file travels beside them (multipart).

    Without ``next_due_on`` the platform computes it from the plan's (or regulation's) period.
    """

    instrument_id: int
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


class LinkOut(Schema):
    """One link of a traceability chain and whether it held at the calibration date."""

    kind: str
    label: str
    reference: str
    valid: bool


class ChainOut(Schema):
    """A certificate's chain up to the national standard, with its gaps."""

    certificate_id: int
    links: list[LinkOut]
    gaps: list[str]
    complete: bool


class PersonnelOut(ModelSchema):
    """A personnel record (appointment, training, exam, qualification)."""

    class Meta:
        model = PersonnelDocument
        fields = [
            "id",
            "enterprise",
            "person",
            "kind",
            "title",
            "number",
            "issued_on",
            "valid_until",
            "score",
            "scope",
        ]


class ReviewOut(ModelSchema):
    """A metrology review (submission) and where it stands."""

    class Meta:
        model = ReviewModel
        fields = [
            "id",
            "enterprise",
            "kind",
            "title",
            "state",
            "period",
            "payload",
            "checks",
            "decision_note",
            "created_at",
        ]


class FindingCreate(Schema):
    """A reviewer's finding: the clause, what is wrong, how serious."""

    clause: str
    text: str
    severity: str = "major"


class TransitionCreate(Schema):
    """A move of a review: the action, a note, findings (return) or responses (respond)."""

    action: str
    note: str = ""
    findings: list[FindingCreate] = []
    responses: dict[int, str] = {}


class RateOut(Schema):
    """GB 17167 provision rate of one (level, energy kind)."""

    level: str
    energy_kind: str
    required_points: int
    installed_points: int
    rate_pct: float
    required_pct: float | None
    compliant: bool | None
    clause: str
    missing: list[str]


class ClassOut(Schema):
    """One instrument's accuracy class against the class its use requires."""

    instrument_code: str
    use: str
    actual: str
    required: str
    compliant: bool
    clause: str


class ComplianceOut(Schema):
    """The GB 17167 verdict of one enterprise, with the rule version it was computed with."""

    enterprise_id: int
    rule_version: str
    rates: list[RateOut]
    classes: list[ClassOut]
    findings: list[str]


class InstrumentStateOut(Schema):
    """Where one instrument stands: state, due date, the certificate it rests on."""

    instrument_id: int
    code: str
    state: str
    due_on: date | None
    certificate_no: str | None


class TagStatusOut(Schema):
    """Metrology status of a tag's data (worst of its instruments)."""

    tag_id: int
    state: str
    instruments: list[InstrumentStateOut]


@router.get("/due", response=list[DueOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_due(
    request: HttpRequest, at: date | None = None, within_days: int = 30
) -> list[queries.DueItem]:
    """Instruments overdue, failed or due within ``within_days`` of ``at`` (default today)."""
    day = at or timezone.localdate()
    return queries.calibrations_due(actor_of(request), day, within_days)


@router.get("/certificates", response=list[CertificateOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_certificates(
    request: HttpRequest, instrument_id: int | None = None
) -> QuerySet[Certificate]:
    """Certificates the caller sees, newest first, optionally of one instrument."""
    rows = queries.certificates(actor_of(request), instrument_id=instrument_id)
    return rows.order_by("-calibrated_on", "-id")


@router.post("/certificates", response={201: CertificateOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def upload_certificate(
    request: HttpRequest, payload: Form[CertificateCreate], file: File[UploadedFile]
) -> Status[Any]:
    """Enter a certificate with its file (R7.2.2): screened, chain-checked, signed, audited.

    A hostile or malformed file is refused by the service with ``metrology.upload_rejected`` and
    the reason in ``params.reason`` (400).
    """
    data = payload.dict()
    instrument_id = data.pop("instrument_id")
    fields = calibration.CertificateFields(**data)
    content = file.read()
    certificate = calibration.record_certificate(
        actor_of(request), instrument_id, fields, filename=file.name or "", content=content
    )
    return Status(201, certificate)


@router.get("/certificates/{certificate_id}/traceability", response=ChainOut)
@api_requires(Action.VIEW)
def get_traceability(request: HttpRequest, certificate_id: int) -> dict[str, Any]:
    """The certificate's chain: body, standards, national standard, and the gaps (R4.2.3)."""
    chain = traceability.traceability_chain(actor_of(request), certificate_id)
    return {
        "certificate_id": certificate_id,
        "links": list(chain.links),
        "gaps": list(chain.gaps),
        "complete": chain.complete,
    }


@router.get("/reviews", response=list[ReviewOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_reviews(request: HttpRequest, state: str | None = None) -> QuerySet[ReviewModel]:
    """Metrology reviews the caller sees, optionally in one state (R4.2.6)."""
    return queries.reviews(actor_of(request), state=state).order_by("-id")


@router.post("/reviews/{review_id}/transitions", response=ReviewOut)
@api_requires(Action.VIEW)
def transition_review(
    request: HttpRequest, review_id: int, payload: TransitionCreate
) -> ReviewModel:
    """Move a review (submit, approve, return, reject, respond); event and audit are written.

    The route admits any caller who sees reviews: the side of the action decides the permission
    (reviewers decide, the enterprise submits and responds), and the service checks it (403).
    """
    findings = [reviews.FindingInput(**f.dict()) for f in payload.findings]
    return reviews.transition(
        actor_of(request),
        review_id,
        payload.action,
        note=payload.note,
        findings=findings,
        responses=payload.responses,
    )


@router.get("/compliance", response=ComplianceOut)
@api_requires(Action.VIEW)
def get_compliance(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    """The GB 17167 table of an enterprise: provision rates and accuracy classes (R7.1.x)."""
    verdict = compliance.compliance(actor_of(request), enterprise_id)
    return {
        "enterprise_id": enterprise_id,
        "rule_version": verdict.rule_version,
        "rates": list(verdict.rates),
        "classes": list(verdict.classes),
        "findings": verdict.findings,
    }


@router.get("/tag-status", response=list[TagStatusOut])
@api_requires(Action.VIEW)
def tag_status(
    request: HttpRequest, tag_ids: Query[list[int]], at: date | None = None
) -> list[queries.TagStatus]:
    """Metrology status of the visible tags among ``tag_ids`` at ``at`` (default today)."""
    statuses = queries.tag_metrology_status(actor_of(request), tag_ids, at or timezone.localdate())
    return list(statuses.values())
