"""Writes of the instrument ledger: create, update, retire, link to tags.

The responsible person (R7.1.4) must hold a staff role in the instrument's enterprise, so the
ledger never names someone who cannot see the instrument. Every write is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from tanji.metrology import queries
from tanji.metrology.choices import InstrumentStatusChoices
from tanji.metrology.models import Instrument, InstrumentEvent, MeteringPoint
from tanji.plant import queries as plant_queries
from tanji.plant.models import FlowEdge, Tag
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import Enterprise, User
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput, get_visible
from tanji.tenancy.writes import save_changes, save_new

__all__ = [
    "create_instrument",
    "create_metering_point",
    "link_tag",
    "move_instrument",
    "replace_instrument",
    "retire_instrument",
    "set_instrument_status",
    "unlink_tag",
    "update_instrument",
]

INSTRUMENT_EDITABLE = frozenset(
    {
        "code",
        "name_zh",
        "name_en",
        "instrument_type",
        "maker",
        "model",
        "serial_number",
        "range_min",
        "range_max",
        "range_unit",
        "accuracy_class",
        "calibration_status",
        "installed_on",
        "location_id",
        "responsible_id",
        "metering_level",
        "energy_kind",
        "use",
        "measured_medium",
        "required_class",
        "install_location",
        "commissioned_on",
        "point_id",
    }
)
POINT_FIELDS = frozenset({"code", "name_zh", "level", "energy_kind", "edge_id"})
#: Roles that may be named responsible for an instrument of their enterprise.
RESPONSIBLE_ROLES = (
    RoleChoices.ENTERPRISE_ADMIN,
    RoleChoices.METERING_STAFF,
    RoleChoices.LAB_STAFF,
)


@transaction.atomic
def create_instrument(
    actor: Actor,
    *,
    enterprise_id: int,
    responsible_id: int,
    location_id: int | None = None,
    **fields: Any,
) -> Instrument:
    """Enter an instrument into the ledger."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_INSTRUMENTS, enterprise)
    instrument = Instrument(
        enterprise=enterprise,
        responsible=_responsible(actor, enterprise, responsible_id),
        location=_location(actor, location_id),
    )
    if fields.get("point_id") is not None:
        _point(actor, enterprise, fields["point_id"])
    save_new(actor, instrument, fields, INSTRUMENT_EDITABLE)
    _event(actor, instrument, "installed", instrument.installed_on, location=location_id)
    return instrument


@transaction.atomic
def update_instrument(actor: Actor, instrument_id: int, **changes: Any) -> Instrument:
    """Change ledger fields (including the responsible person and the location)."""
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    if "responsible_id" in changes:
        _responsible(actor, instrument.enterprise, changes["responsible_id"])
    if changes.get("location_id") is not None:
        _location(actor, changes["location_id"])
    if changes.get("point_id") is not None:
        _point(actor, instrument.enterprise, changes["point_id"])
    return save_changes(actor, instrument, changes, INSTRUMENT_EDITABLE)


@transaction.atomic
def retire_instrument(actor: Actor, instrument_id: int, *, retired_on: date) -> Instrument:
    """Take an instrument out of service; it stays in the ledger with its history."""
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    changes = {"retired_on": retired_on, "status": InstrumentStatusChoices.RETIRED}
    save_changes(actor, instrument, changes, set(changes), "retire")
    _event(actor, instrument, "retired", retired_on)
    return instrument


@transaction.atomic
def move_instrument(
    actor: Actor, instrument_id: int, *, on: date, location_id: int | None, install_location: str
) -> Instrument:
    """Move an instrument to another diagram edge / place; the move enters its history."""
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    _location(actor, location_id)
    before = instrument.location_id
    changes = {"location_id": location_id, "install_location": install_location}
    save_changes(actor, instrument, changes, set(changes), "move")
    _event(actor, instrument, "moved", on, before=before, after=location_id)
    return instrument


@transaction.atomic
def set_instrument_status(actor: Actor, instrument_id: int, *, status: str, on: date) -> Instrument:
    """Put an instrument in use, on the spare shelf or into maintenance (not: retire)."""
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    if status == InstrumentStatusChoices.RETIRED:
        raise InvalidInput(
            "metrology.use_retire", "status retired: use retire_instrument", field="status"
        )
    before = instrument.status
    save_changes(actor, instrument, {"status": status}, {"status"}, "set_status")
    _event(actor, instrument, "status", on, before=before, after=status)
    return instrument


@transaction.atomic
def replace_instrument(
    actor: Actor, instrument_id: int, *, on: date, code: str, serial_number: str, **fields: Any
) -> Instrument:
    """Retire an instrument and install its successor in the same place, with the same tags."""
    old = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, old.enterprise)
    keep = {f: getattr(old, f) for f in INSTRUMENT_EDITABLE if f.endswith("_id") is False}
    keep |= {"point_id": old.point_id, "installed_on": on, "code": code}
    keep |= {"serial_number": serial_number} | fields
    keep.pop("calibration_status", None)
    new = create_instrument(
        actor,
        enterprise_id=old.enterprise_id,
        responsible_id=old.responsible_id,
        location_id=old.location_id,
        **keep,
    )
    new.tags.set(old.tags.all())
    retire_instrument(actor, old.pk, retired_on=on)
    old.point = None
    old.save(update_fields=["point"])
    _event(actor, old, "replaced", on, by=new.code)
    return new


@transaction.atomic
def create_metering_point(actor: Actor, *, enterprise_id: int, **fields: Any) -> MeteringPoint:
    """Declare a metering point GB 17167 requires (level, energy kind, optional edge)."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_INSTRUMENTS, enterprise)
    if fields.get("edge_id") is not None:
        _location(actor, fields["edge_id"])
    return save_new(actor, MeteringPoint(enterprise=enterprise), fields, POINT_FIELDS)


def _event(actor: Actor, instrument: Instrument, kind: str, on: date, **detail: Any) -> None:
    event = InstrumentEvent(
        enterprise_id=instrument.enterprise_id,
        instrument=instrument,
        kind=kind,
        on=on,
        detail=detail,
    )
    save_new(actor, event)


@transaction.atomic
def link_tag(actor: Actor, instrument_id: int, tag_id: int) -> Instrument:
    """Record that the instrument measures a tag of its enterprise."""
    instrument, tag = _instrument_and_tag(actor, instrument_id, tag_id)
    before = _with_tags(instrument)
    instrument.tags.add(tag)
    record(actor, "link_tag", instrument, before, _with_tags(instrument))
    return instrument


@transaction.atomic
def unlink_tag(actor: Actor, instrument_id: int, tag_id: int) -> Instrument:
    """Remove the link between an instrument and a tag."""
    instrument, tag = _instrument_and_tag(actor, instrument_id, tag_id)
    before = _with_tags(instrument)
    instrument.tags.remove(tag)
    record(actor, "unlink_tag", instrument, before, _with_tags(instrument))
    return instrument


def _instrument_and_tag(actor: Actor, instrument_id: int, tag_id: int) -> tuple[Instrument, Tag]:
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    tag = plant_queries.tag(actor, tag_id)
    if tag.enterprise_id != instrument.enterprise_id:
        raise InvalidInput(
            "metrology.tag_other_enterprise",
            "tag {tag} belongs to another enterprise than instrument {instrument}",
            tag=tag.code,
            instrument=instrument.code,
        )
    return instrument, tag


def _with_tags(instrument: Instrument) -> dict[str, Any]:
    return snapshot(instrument) | {"tags": sorted(instrument.tags.values_list("id", flat=True))}


def _responsible(actor: Actor, enterprise: Enterprise, user_id: int) -> User:
    staff = (
        tenancy_queries.memberships(actor)
        .filter(
            enterprise=enterprise, user_id=user_id, role__in=RESPONSIBLE_ROLES, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if staff is None:
        raise InvalidInput(
            "metrology.responsible_not_staff",
            "user {user} holds no staff role in {enterprise}; the responsible person must",
            user=user_id,
            enterprise=enterprise.name_zh,
            field="responsible",
        )
    user: User = staff.user
    return user


def _location(actor: Actor, edge_id: int | None) -> FlowEdge | None:
    return plant_queries.flow_edge(actor, edge_id) if edge_id is not None else None


def _point(actor: Actor, enterprise: Enterprise, point_id: int) -> MeteringPoint:
    points = queries.metering_points(actor).filter(enterprise=enterprise)
    return get_visible(points, point_id, "metering point")  # type: ignore[no-any-return]
