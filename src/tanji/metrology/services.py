"""Writes of the instrument ledger: create, update, retire, link to tags.

The responsible person (R7.1.4) must hold a staff role in the instrument's enterprise, so the
ledger never names someone who cannot see the instrument. Every write is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from tanji.metrology import queries
from tanji.metrology.models import Instrument
from tanji.plant import queries as plant_queries
from tanji.plant.models import FlowEdge, Tag
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import Enterprise, User
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_changes, save_new

__all__ = [
    "create_instrument",
    "link_tag",
    "retire_instrument",
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
    }
)
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
    return save_new(actor, instrument, fields, INSTRUMENT_EDITABLE)


@transaction.atomic
def update_instrument(actor: Actor, instrument_id: int, **changes: Any) -> Instrument:
    """Change ledger fields (including the responsible person and the location)."""
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    if "responsible_id" in changes:
        _responsible(actor, instrument.enterprise, changes["responsible_id"])
    if changes.get("location_id") is not None:
        _location(actor, changes["location_id"])
    return save_changes(actor, instrument, changes, INSTRUMENT_EDITABLE)


@transaction.atomic
def retire_instrument(actor: Actor, instrument_id: int, *, retired_on: date) -> Instrument:
    """Take an instrument out of service; it stays in the ledger with its history."""
    instrument = queries.instrument(actor, instrument_id)
    actor.require(Action.EDIT_INSTRUMENTS, instrument.enterprise)
    return save_changes(actor, instrument, {"retired_on": retired_on}, {"retired_on"}, "retire")


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
