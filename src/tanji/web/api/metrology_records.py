"""API writes of metrology records: plans, personnel, reviewer qualifications, QC, responses.

Calibration plans (R7.2.1) take their period from the JJG/JJF rule data; personnel records
(R7.1.5) carry an optional scanned file screened like certificates; QC records (R7.4.1) are
computed from their raw comparison data; the enterprise answers a review's findings (R4.2.6).
Who may sign what (a valid qualification on the day) is checked by the services, not here.
"""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Form, ModelSchema, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from tanji.metrology import calibration, personnel, plans, qc, queries, reviews
from tanji.metrology.models import (
    CalibrationPlan,
    PersonnelDocument,
    QCRecord,
    Review,
    ReviewerQualification,
    ReviewEvent,
    ReviewFinding,
)
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, api_requires
from tanji.web.api.metrology import PersonnelOut, PlanOut, ReviewOut

router = Router(tags=["metrology"])


class PlanCreate(Schema):
    """A plan for an instrument; the period defaults to its regulation's and may be shorter."""

    instrument_id: int
    first_due_on: date
    period_months: int | None = None
    kind: str | None = None


class PlanUpdate(Schema):
    """A changed period (still within the regulation), first due date or kind."""

    period_months: int | None = None
    first_due_on: date | None = None
    kind: str | None = None


class PlanRetire(Schema):
    """From this day the plan no longer sets the instrument's due date."""

    retired_on: date


class PersonnelCreate(Schema):
    """A document of a person's file (the scanned file travels beside it, multipart)."""

    enterprise_id: int
    person_id: int
    kind: str
    title: str
    issued_on: date
    number: str = ""
    valid_until: date | None = None
    score: float | None = None
    scope: str = ""


class PersonnelUpdate(Schema):
    """Keeping a record current: renewed validity, corrected number, title, score."""

    title: str | None = None
    number: str | None = None
    issued_on: date | None = None
    valid_until: date | None = None
    score: float | None = None
    scope: str | None = None


class ReviewerQualificationIn(Schema):
    """A reviewer's qualification in a province."""

    province_id: int
    person_id: int
    number: str
    issued_on: date
    valid_until: date


class ReviewerQualificationOut(ModelSchema):
    """A reviewer's qualification as filed."""

    class Meta:
        model = ReviewerQualification
        fields = ["id", "province", "person", "number", "issued_on", "valid_until"]


class QCBase(Schema):
    """Who, when and (optionally) which instrument."""

    enterprise_id: int
    performed_on: date
    instrument_id: int | None = None


class ReferenceMaterialIn(QCBase):
    """Measured and certified values of a reference material, each with its expanded U."""

    material: str
    measured: float
    u_measured: float
    certified: float
    u_certified: float


class RataIn(QCBase):
    """Paired CEMS and reference-method values (HJ 75-2017: at least 9 pairs), RA limit in %."""

    cems: list[float]
    reference: list[float]
    limit_pct: float = 15.0


class CrossMeterIn(QCBase):
    """A main meter and its sub-meters over the same period, imbalance limit in %."""

    main: float
    parts: list[float]
    limit_pct: float = 2.0


class QCOut(ModelSchema):
    """A QC record: its inputs, the figure of merit, the limit and the verdict."""

    class Meta:
        model = QCRecord
        fields = [
            "id",
            "enterprise",
            "kind",
            "performed_on",
            "instrument",
            "inputs",
            "result_value",
            "limit_value",
            "passed",
            "clause",
        ]


class FindingOut(ModelSchema):
    """A reviewer's finding and the enterprise's response."""

    class Meta:
        model = ReviewFinding
        fields = ["id", "clause", "text", "severity", "response", "responded_at"]


class ReviewEventOut(ModelSchema):
    """One transition of a review."""

    class Meta:
        model = ReviewEvent
        fields = ["id", "action", "from_state", "to_state", "username", "at", "note"]


class ReviewDetailOut(ReviewOut):
    """A review with its findings and its history."""

    findings: list[FindingOut]
    events: list[ReviewEventOut]


class ResponsesIn(Schema):
    """The enterprise's answer to each open finding (finding id → text)."""

    responses: dict[int, str]
    note: str = ""


@router.get("/plans", response=list[PlanOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_plans(request: HttpRequest) -> QuerySet[CalibrationPlan]:
    """Calibration plans of the visible instruments (R7.2.1)."""
    return queries.calibration_plans(actor_of(request)).order_by("id")


@router.post("/plans", response={201: PlanOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def create_plan(request: HttpRequest, payload: PlanCreate) -> Status[Any]:
    """Plan an instrument's verification/calibration (period from its JJG/JJF regulation)."""
    data = payload.dict()
    instrument_id = data.pop("instrument_id")
    return Status(201, calibration.create_plan(actor_of(request), instrument_id, **data))


@router.get("/plans/{plan_id}", response=PlanOut)
@api_requires(Action.VIEW)
def get_plan(request: HttpRequest, plan_id: int) -> CalibrationPlan:
    """One visible calibration plan."""
    return queries.calibration_plan(actor_of(request), plan_id)


@router.patch("/plans/{plan_id}", response=PlanOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def update_plan(request: HttpRequest, plan_id: int, payload: PlanUpdate) -> CalibrationPlan:
    """Change a plan; a period beyond the regulation's is refused."""
    return plans.update_plan(actor_of(request), plan_id, **payload.dict(exclude_unset=True))


@router.post("/plans/{plan_id}/retire", response=PlanOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def retire_plan(request: HttpRequest, plan_id: int, payload: PlanRetire) -> CalibrationPlan:
    """Retire a plan (kept with its history)."""
    return plans.retire_plan(actor_of(request), plan_id, retired_on=payload.retired_on)


@router.get("/personnel", response=list[PersonnelOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_personnel(
    request: HttpRequest, person_id: int | None = None
) -> QuerySet[PersonnelDocument]:
    """Personnel records the caller sees, optionally of one person (R7.1.5)."""
    return queries.personnel_documents(actor_of(request), person_id=person_id).order_by("id")


@router.post("/personnel", response={201: PersonnelOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def add_personnel(
    request: HttpRequest,
    payload: Form[PersonnelCreate],
    file: File[UploadedFile | None] = None,
) -> Status[Any]:
    """File an appointment, training record, exam score or qualification (R7.1.5)."""
    data = payload.dict()
    if file is not None:
        data |= {"filename": file.name or "", "content": file.read()}
    return Status(201, personnel.add_personnel_document(actor_of(request), **data))


@router.patch("/personnel/{document_id}", response=PersonnelOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def update_personnel(
    request: HttpRequest, document_id: int, payload: PersonnelUpdate
) -> PersonnelDocument:
    """Keep a personnel record current (e.g. a renewed qualification's validity)."""
    changes = payload.dict(exclude_unset=True)
    return personnel.update_personnel_document(actor_of(request), document_id, **changes)


@router.post("/reviewer-qualifications", response={201: ReviewerQualificationOut})
@api_requires(Action.MANAGE_PLATFORM)
def add_reviewer_qualification(
    request: HttpRequest, payload: ReviewerQualificationIn
) -> Status[Any]:
    """File a metrology reviewer's qualification (platform operators only)."""
    row = personnel.add_reviewer_qualification(actor_of(request), **payload.dict())
    return Status(201, row)


@router.get("/qc", response=list[QCOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_qc(request: HttpRequest, kind: str | None = None) -> QuerySet[QCRecord]:
    """QC records of the visible enterprises, newest first, optionally of one kind."""
    rows = queries.qc_records(actor_of(request))
    return rows.filter(kind=kind) if kind else rows


@router.post("/qc/reference-material", response={201: QCOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def add_reference_material(request: HttpRequest, payload: ReferenceMaterialIn) -> Status[Any]:
    """A reference-material comparison; passes at E_n ≤ 1."""
    return Status(201, qc.record_reference_material(actor_of(request), **payload.dict()))


@router.post("/qc/cems-rata", response={201: QCOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def add_cems_rata(request: HttpRequest, payload: RataIn) -> Status[Any]:
    """A CEMS relative-accuracy test against the reference method (HJ 75-2017)."""
    return Status(201, qc.record_cems_rata(actor_of(request), **payload.dict()))


@router.post("/qc/cross-meter", response={201: QCOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def add_cross_meter(request: HttpRequest, payload: CrossMeterIn) -> Status[Any]:
    """A main meter against the sum of its sub-meters."""
    return Status(201, qc.record_cross_meter_balance(actor_of(request), **payload.dict()))


@router.get("/reviews/{review_id}", response=ReviewDetailOut)
@api_requires(Action.VIEW)
def get_review(request: HttpRequest, review_id: int) -> Review:
    """One review with its findings (and responses) and its history of transitions."""
    return queries.review(actor_of(request), review_id)


@router.post("/reviews/{review_id}/responses", response=ReviewOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def respond_to_findings(request: HttpRequest, review_id: int, payload: ResponsesIn) -> Review:
    """Answer every open finding of a returned review (needs the review kind's qualification)."""
    return reviews.transition(
        actor_of(request),
        review_id,
        "respond",
        note=payload.note,
        responses=payload.responses,
    )
