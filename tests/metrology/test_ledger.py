"""Ledger history events and the year-end snapshot with its changes."""

from __future__ import annotations

from datetime import date

import pytest

from tanji.metrology import ledger, queries, services
from tanji.tenancy.actor import Actor
from tanji.tenancy.validation import InvalidInput
from tests.metrology.factories import InstrumentFactory, PointFactory
from tests.plant.factories import EdgeFactory, TagFactory
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


def test_history_records_install_move_status_replace_retire() -> None:
    edge = EdgeFactory()
    e = edge.enterprise
    staff = member("metering_staff", e)
    tag = TagFactory(enterprise=e, line=None, source=None)
    point = PointFactory(enterprise=e)
    scale = services.create_instrument(
        SYSTEM,
        enterprise_id=e.pk,
        responsible_id=staff.pk,
        code="BS-1",
        name_zh="皮带秤",
        instrument_type="belt_scale",
        range_min=0,
        range_max=300,
        range_unit="t/h",
        accuracy_class="0.5",
        installed_on=date(2021, 1, 1),
        point_id=point.pk,
    )
    services.link_tag(SYSTEM, scale.pk, tag.pk)
    services.move_instrument(
        SYSTEM, scale.pk, on=date(2023, 1, 1), location_id=edge.pk, install_location="熟料库顶"
    )
    services.set_instrument_status(SYSTEM, scale.pk, status="maintenance", on=date(2024, 1, 1))
    new = services.replace_instrument(
        SYSTEM, scale.pk, on=date(2025, 2, 1), code="BS-2", serial_number="SN-NEW"
    )
    kinds = [ev.kind for ev in queries.instrument_events(SYSTEM, instrument_id=scale.pk)]
    assert kinds == ["installed", "moved", "status", "retired", "replaced"]
    scale.refresh_from_db()
    assert (scale.status, scale.point_id) == ("retired", None)
    assert (new.point_id, new.location_id, list(new.tags.all())) == (point.pk, edge.pk, [tag])
    assert new.status == "in_use"  # the successor is in service even if the old one was not
    with pytest.raises(InvalidInput):
        services.set_instrument_status(SYSTEM, new.pk, status="retired", on=date(2025, 3, 1))


def test_point_of_another_enterprise_cannot_be_assigned() -> None:
    scale = InstrumentFactory()
    from tanji.tenancy.validation import NotFound

    with pytest.raises(NotFound):
        services.update_instrument(SYSTEM, scale.pk, point_id=PointFactory().pk)


def test_snapshot_lists_changes_since_the_previous_year() -> None:
    e = EnterpriseFactory()
    kept = InstrumentFactory(enterprise=e, code="A")
    gone = InstrumentFactory(enterprise=e, code="B")
    first = ledger.take_ledger_snapshot(SYSTEM, enterprise_id=e.pk, year=2024)
    assert first.changes == {"added": ["A", "B"], "removed": [], "changed": {}}
    services.update_instrument(SYSTEM, kept.pk, accuracy_class="0.2")
    services.retire_instrument(SYSTEM, gone.pk, retired_on=date(2024, 6, 30))
    InstrumentFactory(enterprise=e, code="C")
    second = ledger.take_ledger_snapshot(SYSTEM, enterprise_id=e.pk, year=2025)
    assert second.changes == {
        "added": ["C"],
        "removed": ["B"],
        "changed": {"A": {"accuracy_class": ["0.5", "0.2"]}},
    }
    assert second.sha256 == ledger.rows_sha256(second.rows) != first.sha256
