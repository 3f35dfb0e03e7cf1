"""The instrument ledger: responsible person, placement, tags, retirement — all audited."""

from __future__ import annotations

from datetime import date

import pytest

from tanji.metrology import queries, services
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import InvalidInput, NotFound
from tests.metrology.factories import InstrumentFactory
from tests.plant.factories import EdgeFactory, TagFactory
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db

SCALE = {
    "code": "L1-FS-CA",
    "name_zh": "分解炉转子秤",
    "instrument_type": "rotor_scale",
    "range_min": 0.0,
    "range_max": 25.0,
    "range_unit": "t/h",
    "accuracy_class": "0.5",
    "installed_on": date(2021, 3, 15),
}


def test_metering_staff_enter_an_instrument_on_a_diagram_edge() -> None:
    edge = EdgeFactory()
    staff = member("metering_staff", edge.enterprise)
    actor = Actor.for_user(staff)
    instrument = services.create_instrument(
        actor,
        enterprise_id=edge.enterprise_id,
        responsible_id=staff.pk,
        location_id=edge.pk,
        **SCALE,
    )
    assert (instrument.responsible, instrument.location) == (staff, edge)
    assert list(edge.instruments.all()) == [instrument]
    entry = AuditEntry.objects.get(object_type="metrology.instrument", action="create")
    assert entry.after["responsible_id"] == staff.pk


@pytest.mark.parametrize("role", ["viewer", "verifier", "regulator"])
def test_responsible_person_must_be_staff_of_the_enterprise(role: str) -> None:
    enterprise = EnterpriseFactory()
    outsider = member(role, enterprise, **({"year": 2025} if role == "verifier" else {}))
    with pytest.raises(InvalidInput) as caught:
        services.create_instrument(
            Actor.system(), enterprise_id=enterprise.pk, responsible_id=outsider.pk, **SCALE
        )
    assert caught.value.code == "metrology.responsible_not_staff"


def test_staff_of_another_enterprise_cannot_be_responsible() -> None:
    instrument = InstrumentFactory()
    foreign = member("metering_staff", EnterpriseFactory())
    with pytest.raises(InvalidInput):
        services.update_instrument(Actor.system(), instrument.pk, responsible_id=foreign.pk)


def test_link_and_unlink_tags_are_audited() -> None:
    tag = TagFactory()
    instrument = InstrumentFactory(enterprise=tag.enterprise)
    actor = Actor.for_user(member("metering_staff", tag.enterprise))
    services.link_tag(actor, instrument.pk, tag.pk)
    assert list(queries.instruments_for_tag(actor, tag.pk)) == [instrument]
    services.unlink_tag(actor, instrument.pk, tag.pk)
    assert not queries.instruments_for_tag(actor, tag.pk).exists()
    entries = AuditEntry.objects.filter(object_type="metrology.instrument").order_by("id")
    assert [(e.action, e.after["tags"]) for e in entries] == [
        ("link_tag", [tag.pk]),
        ("unlink_tag", []),
    ]


def test_tag_of_another_enterprise_cannot_be_linked() -> None:
    instrument = InstrumentFactory()
    foreign = TagFactory()
    with pytest.raises(InvalidInput) as caught:
        services.link_tag(Actor.system(), instrument.pk, foreign.pk)
    assert caught.value.code == "metrology.tag_other_enterprise"
    with pytest.raises(NotFound):
        services.link_tag(
            Actor.for_user(member("metering_staff", instrument.enterprise)),
            instrument.pk,
            foreign.pk,
        )


def test_retire_keeps_the_instrument_and_checks_dates() -> None:
    instrument = InstrumentFactory()
    actor = Actor.system()
    with pytest.raises(InvalidInput) as caught:
        services.retire_instrument(actor, instrument.pk, retired_on=date(2020, 1, 1))
    assert caught.value.params["field"] == "retired_on"
    services.retire_instrument(actor, instrument.pk, retired_on=date(2025, 12, 31))
    assert not queries.instruments(actor, active_only=True).exists()
    assert AuditEntry.objects.get(action="retire").after["retired_on"] == "2025-12-31"


def test_lab_staff_may_not_edit_the_ledger() -> None:
    instrument = InstrumentFactory()
    with pytest.raises(AccessDenied):
        services.update_instrument(
            Actor.for_user(member("lab_staff", instrument.enterprise)), instrument.pk, maker="x"
        )
