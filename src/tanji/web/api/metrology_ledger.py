"""API writes of the instrument ledger (R7.1.1, R7.1.2, R7.1.4): instruments and their history.

Entering, changing, moving, replacing and retiring instruments, linking them to tags, the history
of each, and the year-end update: snapshot with its changes, submission for review, and the
ledger as an Excel sheet both ways. Handlers call :mod:`tanji.metrology` services only; the
services check the enterprise, write the history event and the audit entry.
"""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, ModelSchema, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from tanji.metrology import ledger, ledger_xlsx, queries, reviews, services
from tanji.metrology.models import Instrument, InstrumentEvent, LedgerSnapshot, Review
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, api_requires
from tanji.web.api.metrology import InstrumentOut, ReviewOut

router = Router(tags=["metrology"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class InstrumentFields(Schema):
    """Ledger fields an enterprise maintains (GB 17167 §5.2 台账 content); all optional here."""

    code: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    instrument_type: str | None = None
    maker: str | None = None
    model: str | None = None
    serial_number: str | None = None
    range_min: float | None = None
    range_max: float | None = None
    range_unit: str | None = None
    accuracy_class: str | None = None
    installed_on: date | None = None
    metering_level: str | None = None
    energy_kind: str | None = None
    use: str | None = None
    measured_medium: str | None = None
    required_class: str | None = None
    install_location: str | None = None
    commissioned_on: date | None = None
    point_id: int | None = None
    responsible_id: int | None = None
    location_id: int | None = None


class InstrumentCreate(InstrumentFields):
    """A new ledger entry: the enterprise, the responsible person (R7.1.4) and the basics."""

    enterprise_id: int
    responsible_id: int
    code: str
    name_zh: str
    instrument_type: str
    range_min: float
    range_max: float
    range_unit: str
    accuracy_class: str
    installed_on: date


class RetireIn(Schema):
    """The day the instrument left service."""

    retired_on: date


class MoveIn(Schema):
    """Where the instrument now sits on the carbon-flow diagram (edge) and in the plant."""

    on: date
    location_id: int | None
    install_location: str = ""


class StatusIn(Schema):
    """In use, spare or maintenance (retiring has its own route)."""

    status: str
    on: date


class ReplaceIn(Schema):
    """The successor: same place, same tags, its own code and serial number."""

    on: date
    code: str
    serial_number: str
    maker: str | None = None
    model: str | None = None
    accuracy_class: str | None = None


class TagLinkIn(Schema):
    """A tag of the same enterprise the instrument measures."""

    tag_id: int


class EventOut(ModelSchema):
    """One entry of an instrument's history."""

    class Meta:
        model = InstrumentEvent
        fields = ["id", "enterprise", "instrument", "kind", "on", "detail", "note"]


class SnapshotIn(Schema):
    """The enterprise and year whose ledger is frozen."""

    enterprise_id: int
    year: int


class SnapshotOut(ModelSchema):
    """A year-end ledger snapshot: rows, their SHA-256 and the changes since the previous one."""

    class Meta:
        model = LedgerSnapshot
        fields = ["id", "enterprise", "year", "taken_at", "rows", "changes", "sha256"]


class ImportOut(Schema):
    """How many ledger rows were created and updated."""

    created: int
    updated: int


def _set(payload: Schema) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


@router.get("/instruments", response=list[InstrumentOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_instruments(request: HttpRequest, active_only: bool = False) -> QuerySet[Instrument]:
    """Instruments the caller sees (``active_only``: not retired)."""
    return queries.instruments(actor_of(request), active_only=active_only).order_by("id")


@router.get("/instruments/{instrument_id}", response=InstrumentOut)
@api_requires(Action.VIEW)
def get_instrument(request: HttpRequest, instrument_id: int) -> Instrument:
    """One visible instrument."""
    return queries.instrument(actor_of(request), instrument_id)


@router.post("/instruments", response={201: InstrumentOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def create_instrument(request: HttpRequest, payload: InstrumentCreate) -> Status[Any]:
    """Enter an instrument into the ledger; its history starts with ``installed``."""
    return Status(201, services.create_instrument(actor_of(request), **_set(payload)))


@router.patch("/instruments/{instrument_id}", response=InstrumentOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def update_instrument(request: HttpRequest, instrument_id: int, payload: InstrumentFields) -> Any:
    """Change ledger fields, the responsible person or the metering point."""
    return services.update_instrument(actor_of(request), instrument_id, **_set(payload))


@router.post("/instruments/{instrument_id}/retire", response=InstrumentOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def retire_instrument(request: HttpRequest, instrument_id: int, payload: RetireIn) -> Any:
    """Take an instrument out of service (it stays in the ledger with its history)."""
    return services.retire_instrument(actor_of(request), instrument_id, **_set(payload))


@router.post("/instruments/{instrument_id}/move", response=InstrumentOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def move_instrument(request: HttpRequest, instrument_id: int, payload: MoveIn) -> Any:
    """Place the instrument on another diagram edge (placement on the carbon-flow diagram)."""
    return services.move_instrument(actor_of(request), instrument_id, **payload.dict())


@router.post("/instruments/{instrument_id}/status", response=InstrumentOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def set_status(request: HttpRequest, instrument_id: int, payload: StatusIn) -> Any:
    """Put the instrument in use, on the shelf or into maintenance."""
    return services.set_instrument_status(actor_of(request), instrument_id, **payload.dict())


@router.post("/instruments/{instrument_id}/replace", response={201: InstrumentOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def replace_instrument(request: HttpRequest, instrument_id: int, payload: ReplaceIn) -> Any:
    """Retire the instrument and install its successor in its place; returns the successor."""
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, services.replace_instrument(actor_of(request), instrument_id, **fields))


@router.post("/instruments/{instrument_id}/tags", response=InstrumentOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def link_tag(request: HttpRequest, instrument_id: int, payload: TagLinkIn) -> Any:
    """Record that the instrument measures the tag (its data then carries its state)."""
    return services.link_tag(actor_of(request), instrument_id, payload.tag_id)


@router.delete("/instruments/{instrument_id}/tags/{tag_id}", response=InstrumentOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def unlink_tag(request: HttpRequest, instrument_id: int, tag_id: int) -> Any:
    """Remove the link between the instrument and the tag."""
    return services.unlink_tag(actor_of(request), instrument_id, tag_id)


@router.get("/instruments/{instrument_id}/events", response=list[EventOut])
@api_requires(Action.VIEW)
def list_events(request: HttpRequest, instrument_id: int) -> QuerySet[InstrumentEvent]:
    """The instrument's history: installed, moved, replaced, status changes, retired."""
    instrument = queries.instrument(actor_of(request), instrument_id)
    return queries.instrument_events(actor_of(request), instrument_id=instrument.pk)


@router.get("/ledger/snapshots", response=list[SnapshotOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_snapshots(request: HttpRequest) -> QuerySet[LedgerSnapshot]:
    """Year-end ledger snapshots of the visible enterprises, newest first."""
    return queries.ledger_snapshots(actor_of(request))


@router.get("/ledger/snapshots/{snapshot_id}", response=SnapshotOut)
@api_requires(Action.VIEW)
def get_snapshot(request: HttpRequest, snapshot_id: int) -> LedgerSnapshot:
    """One snapshot with its rows and its changes since the previous one."""
    return queries.ledger_snapshot(actor_of(request), snapshot_id)


@router.post("/ledger/snapshots", response={201: SnapshotOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def take_snapshot(request: HttpRequest, payload: SnapshotIn) -> Status[Any]:
    """Freeze the year's ledger and list what changed since the previous snapshot (R7.1.2)."""
    return Status(201, ledger.take_ledger_snapshot(actor_of(request), **payload.dict()))


@router.post("/ledger/snapshots/{snapshot_id}/submit", response={201: ReviewOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def submit_snapshot(request: HttpRequest, snapshot_id: int) -> Status[Review]:
    """Submit the year-end ledger update for metrology review (needs a ledger qualification)."""
    return Status(201, reviews.submit_ledger_update(actor_of(request), snapshot_id))


@router.get("/ledger/xlsx")
@api_requires(Action.VIEW)
def export_ledger(request: HttpRequest, enterprise_id: int, year: int) -> HttpResponse:
    """The ledger of ``year`` as an Excel sheet (one row per instrument)."""
    actor = actor_of(request)
    tenancy_queries.enterprise(actor, enterprise_id)  # 404 for an enterprise out of sight
    body = ledger_xlsx.export_ledger_xlsx(actor, enterprise_id, year)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{year}.xlsx"'
    return response


@router.post("/ledger/xlsx", response=ImportOut)
@api_requires(Action.EDIT_INSTRUMENTS)
def import_ledger(
    request: HttpRequest, enterprise_id: Form[int], file: File[UploadedFile]
) -> dict[str, int]:
    """Create or update instruments from a sheet; all or nothing, every faulty cell listed."""
    return ledger_xlsx.import_ledger_xlsx(actor_of(request), enterprise_id, file.read())
