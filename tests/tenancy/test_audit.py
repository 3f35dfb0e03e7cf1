"""Every service that changes data writes an audit entry, with the actor and its request id.

The registry below must name every public function of the service modules (their ``__all__``),
so a new writer cannot be added without being checked here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tanji.metrology import services as metrology
from tanji.plant import diagrams, lab, services as plant
from tanji.tenancy import services as tenancy
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import AuditEntry
from tests.metrology.factories import InstrumentFactory
from tests.plant.factories import (
    DiagramFactory,
    EdgeFactory,
    LabResultFactory,
    LineFactory,
    NodeFactory,
    SiteFactory,
    SourceFactory,
    TagFactory,
)
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory, ProvinceFactory, member

pytestmark = pytest.mark.django_db
PASSWORD = "a long demo passphrase"
TAG = {
    "code": "T1",
    "name_zh": "x",
    "quantity_kind": "mass_flow",
    "unit": "t/h",
    "resolution": 0.1,
    "aggregation": "measurement",
    "range_min": 0.0,
    "range_max": 10.0,
    "accounting_role": "activity",
}
INSTRUMENT = {
    "code": "I1",
    "name_zh": "x",
    "instrument_type": "belt_scale",
    "range_min": 0.0,
    "range_max": 300.0,
    "range_unit": "t/h",
    "accuracy_class": "0.5",
    "installed_on": date(2021, 1, 1),
}


def _diagram_with_nodes() -> int:
    node = NodeFactory(key="a")
    NodeFactory(key="b", diagram=node.diagram)
    return node.diagram_id


def _instrument_with_tag() -> tuple[int, int]:
    tag = TagFactory()
    return InstrumentFactory(enterprise=tag.enterprise).pk, tag.pk


def _staffed_instrument() -> int:
    e = EnterpriseFactory()
    return int(InstrumentFactory(enterprise=e, responsible=member("metering_staff", e)).pk)


def _linked() -> tuple[int, int]:
    instrument_id, tag_id = _instrument_with_tag()
    metrology.link_tag(Actor.system(), instrument_id, tag_id)
    return instrument_id, tag_id


CALLS: dict[str, Callable[[Actor], Any]] = {
    "tenancy.create_province": lambda a: tenancy.create_province(
        a, code="430000", name_zh="湖南省"
    ),
    "tenancy.create_enterprise": lambda a: tenancy.create_enterprise(
        a,
        province_id=ProvinceFactory().pk,
        name_zh="x",
        credit_code="91350100M000100Y43",
        city="420100",
    ),
    "tenancy.update_enterprise": lambda a: tenancy.update_enterprise(
        a, EnterpriseFactory().pk, address="y"
    ),
    "tenancy.create_user": lambda a: tenancy.create_user(a, username="u", password=PASSWORD),
    "tenancy.create_member": lambda a: tenancy.create_member(
        a, enterprise_id=EnterpriseFactory().pk, username="m", password=PASSWORD, role="viewer"
    ),
    "tenancy.grant_membership": lambda a: tenancy.grant_membership(
        a, user_id=member("viewer", EnterpriseFactory()).pk, role="platform_operator"
    ),
    "tenancy.revoke_membership": lambda a: tenancy.revoke_membership(a, MembershipFactory().pk),
    "tenancy.update_user": lambda a: tenancy.update_user(
        a, member("viewer", EnterpriseFactory()).pk, display_name="z"
    ),
    "tenancy.set_password": lambda a: tenancy.set_password(
        a, member("viewer", EnterpriseFactory()).pk, PASSWORD
    ),
    "plant.create_site": lambda a: plant.create_site(
        a, enterprise_id=EnterpriseFactory().pk, code="S", name_zh="x"
    ),
    "plant.update_site": lambda a: plant.update_site(a, SiteFactory().pk, name_en="w"),
    "plant.create_line": lambda a: plant.create_line(
        a, site_id=SiteFactory().pk, code="L", name_zh="x", design_capacity_t_per_d=5000
    ),
    "plant.update_line": lambda a: plant.update_line(a, LineFactory().pk, name_en="w"),
    "plant.create_source": lambda a: plant.create_source(
        a, site_id=SiteFactory().pk, kind="purchased_electricity", code="E", name_zh="x"
    ),
    "plant.update_source": lambda a: plant.update_source(a, SourceFactory().pk, name_en="w"),
    "plant.create_tag": lambda a: plant.create_tag(a, enterprise_id=EnterpriseFactory().pk, **TAG),
    "plant.update_tag": lambda a: plant.update_tag(a, TagFactory().pk, active=False),
    "diagrams.create_diagram": lambda a: diagrams.create_diagram(
        a, line_id=LineFactory().pk, title="x"
    ),
    "diagrams.add_node": lambda a: diagrams.add_node(
        a, diagram_id=DiagramFactory().pk, key="n", kind="store", name_zh="x"
    ),
    "diagrams.add_edge": lambda a: diagrams.add_edge(
        a,
        diagram_id=_diagram_with_nodes(),
        key="e",
        from_key="a",
        to_key="b",
        medium="fuel",
        name_zh="x",
    ),
    "diagrams.update_node": lambda a: diagrams.update_node(a, NodeFactory().pk, x=1.0),
    "diagrams.update_edge": lambda a: diagrams.update_edge(a, EdgeFactory().pk, name_zh="y"),
    "diagrams.remove_edge": lambda a: diagrams.remove_edge(a, EdgeFactory().pk),
    "lab.record_lab_analysis": lambda a: lab.record_lab_analysis(
        a,
        enterprise_id=EnterpriseFactory().pk,
        sample_id="S",
        material="coal",
        sampled_at=datetime(2025, 1, 1, tzinfo=UTC),
        analysed_at=datetime(2025, 1, 2, tzinfo=UTC),
        method_standard="GB/T 213-2008",
        results=[lab.ResultInput("ncv", 22.0, "GJ/t")],
    ),
    "lab.correct_lab_result": lambda a: lab.correct_lab_result(
        a, LabResultFactory().pk, reason="typo", value=21.9
    ),
    "metrology.create_instrument": lambda a: metrology.create_instrument(
        a,
        enterprise_id=(e := EnterpriseFactory()).pk,
        responsible_id=member("metering_staff", e).pk,
        **INSTRUMENT,
    ),
    "metrology.update_instrument": lambda a: metrology.update_instrument(
        a, InstrumentFactory().pk, maker="m"
    ),
    "metrology.retire_instrument": lambda a: metrology.retire_instrument(
        a, InstrumentFactory().pk, retired_on=date(2025, 12, 31)
    ),
    "metrology.link_tag": lambda a: metrology.link_tag(a, *_instrument_with_tag()),
    "metrology.unlink_tag": lambda a: metrology.unlink_tag(a, *_linked()),
    "metrology.move_instrument": lambda a: metrology.move_instrument(
        a, InstrumentFactory().pk, on=date(2025, 5, 1), location_id=None, install_location="x"
    ),
    "metrology.set_instrument_status": lambda a: metrology.set_instrument_status(
        a, InstrumentFactory().pk, status="maintenance", on=date(2025, 5, 1)
    ),
    "metrology.replace_instrument": lambda a: metrology.replace_instrument(
        a, _staffed_instrument(), on=date(2025, 5, 1), code="NEW", serial_number="S2"
    ),
    "metrology.create_metering_point": lambda a: metrology.create_metering_point(
        a,
        enterprise_id=EnterpriseFactory().pk,
        code="P1",
        name_zh="x",
        level="entity",
        energy_kind="coal",
    ),
}


def test_registry_covers_every_service_function() -> None:
    public = {
        f"{prefix}.{name}"
        for prefix, module in (
            ("tenancy", tenancy),
            ("plant", plant),
            ("diagrams", diagrams),
            ("lab", lab),
            ("metrology", metrology),
        )
        for name in module.__all__
        if name[0].islower()
    }
    assert public == set(CALLS)


@pytest.mark.parametrize("call", sorted(CALLS))
def test_every_change_writes_an_audit_entry(call: str) -> None:
    actor = Actor.system(request_id=f"req-{call}")
    before = set(AuditEntry.objects.values_list("id", flat=True))
    CALLS[call](actor)
    new = AuditEntry.objects.exclude(id__in=before).filter(request_id=actor.request_id)
    assert new.exists()
    for entry in new:
        assert entry.username == "system"
        assert entry.before is not None or entry.after is not None or entry.action == "set_password"
