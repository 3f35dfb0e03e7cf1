"""No service lets enterprise A's administrator touch enterprise B: every call with B's ids fails.

The strongest enterprise role is used; each call must raise ``NotFound`` (B's objects are
invisible, so not even their existence leaks) or ``AccessDenied`` for platform-only services, and
write no audit entry. The registry must name every public service function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tanji.metrology import services as metrology
from tanji.plant import diagrams, lab, services as plant
from tanji.tenancy import services as tenancy
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry, Membership, User
from tanji.tenancy.validation import NotFound
from tests.metrology.factories import InstrumentFactory
from tests.plant.factories import Tenant, build_tenant
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
PASSWORD = "a long demo passphrase"


@dataclass
class Foreign:
    """Enterprise B's objects, as seen (not) by A's administrator."""

    t: Tenant
    instrument: Any
    staff: User
    membership: Membership


@pytest.fixture
def setting() -> tuple[Actor, Foreign, Tenant]:
    a, b = EnterpriseFactory(), EnterpriseFactory()
    own = build_tenant(a)
    tenant = build_tenant(b)
    staff = member("metering_staff", b)
    instrument = InstrumentFactory(enterprise=b, responsible=staff, location=tenant.edge)
    instrument.tags.add(tenant.tag)
    actor = Actor.for_user(member("enterprise_admin", a))
    return actor, Foreign(tenant, instrument, staff, staff.memberships.get()), own


Call = Callable[[Actor, Foreign, Tenant], Any]
T0 = datetime(2025, 1, 1, tzinfo=UTC)
CALLS: dict[str, tuple[Call, type[Exception]]] = {
    "tenancy.create_province": (
        lambda a, b, o: tenancy.create_province(a, code="430000", name_zh="湖南省"),
        AccessDenied,
    ),
    "tenancy.create_enterprise": (
        lambda a, b, o: tenancy.create_enterprise(
            a,
            province_id=b.t.enterprise.province_id,
            name_zh="x",
            credit_code="91350100M000100Y43",
            city="420100",
        ),
        AccessDenied,
    ),
    "tenancy.update_enterprise": (
        lambda a, b, o: tenancy.update_enterprise(a, b.t.enterprise.pk, address="x"),
        NotFound,
    ),
    "tenancy.create_user": (
        lambda a, b, o: tenancy.create_user(a, username="u", password=PASSWORD),
        AccessDenied,
    ),
    "tenancy.create_member": (
        lambda a, b, o: tenancy.create_member(
            a, enterprise_id=b.t.enterprise.pk, username="m", password=PASSWORD, role="viewer"
        ),
        NotFound,
    ),
    "tenancy.grant_membership": (
        lambda a, b, o: tenancy.grant_membership(
            a, user_id=b.staff.pk, role="viewer", enterprise_id=o.enterprise.pk
        ),
        NotFound,
    ),
    "tenancy.revoke_membership": (
        lambda a, b, o: tenancy.revoke_membership(a, b.membership.pk),
        NotFound,
    ),
    "tenancy.update_user": (
        lambda a, b, o: tenancy.update_user(a, b.staff.pk, is_active=False),
        NotFound,
    ),
    "tenancy.set_password": (
        lambda a, b, o: tenancy.set_password(a, b.staff.pk, PASSWORD),
        NotFound,
    ),
    "plant.create_site": (
        lambda a, b, o: plant.create_site(
            a, enterprise_id=b.t.enterprise.pk, code="S", name_zh="x"
        ),
        NotFound,
    ),
    "plant.update_site": (lambda a, b, o: plant.update_site(a, b.t.site.pk, name_en="x"), NotFound),
    "plant.create_line": (
        lambda a, b, o: plant.create_line(
            a, site_id=b.t.site.pk, code="L", name_zh="x", design_capacity_t_per_d=5000
        ),
        NotFound,
    ),
    "plant.update_line": (lambda a, b, o: plant.update_line(a, b.t.line.pk, name_en="x"), NotFound),
    "plant.create_source": (
        lambda a, b, o: plant.create_source(
            a, site_id=o.site.pk, line_id=b.t.line.pk, kind="msw", code="X", name_zh="x"
        ),
        NotFound,
    ),
    "plant.update_source": (
        lambda a, b, o: plant.update_source(a, b.t.source.pk, name_en="x"),
        NotFound,
    ),
    "plant.create_tag": (
        lambda a, b, o: plant.create_tag(
            a,
            enterprise_id=o.enterprise.pk,
            source_id=b.t.source.pk,
            code="X",
            name_zh="x",
            quantity_kind="mass",
            unit="t",
            resolution=1,
            aggregation="total",
            range_min=0,
            range_max=1,
            accounting_role="activity",
        ),
        NotFound,
    ),
    "plant.update_tag": (lambda a, b, o: plant.update_tag(a, b.t.tag.pk, active=False), NotFound),
    "diagrams.create_diagram": (
        lambda a, b, o: diagrams.create_diagram(a, line_id=b.t.line.pk, title="x"),
        NotFound,
    ),
    "diagrams.add_node": (
        lambda a, b, o: diagrams.add_node(
            a, diagram_id=b.t.diagram.pk, key="n", kind="store", name_zh="x"
        ),
        NotFound,
    ),
    "diagrams.add_edge": (
        lambda a, b, o: diagrams.add_edge(
            a,
            diagram_id=b.t.diagram.pk,
            key="e",
            from_key=b.t.edge.from_node.key,
            to_key=b.t.edge.to_node.key,
            medium="fuel",
            name_zh="x",
        ),
        NotFound,
    ),
    "diagrams.update_node": (
        lambda a, b, o: diagrams.update_node(a, b.t.edge.from_node_id, x=5.0),
        NotFound,
    ),
    "diagrams.update_edge": (
        lambda a, b, o: diagrams.update_edge(a, b.t.edge.pk, name_zh="y"),
        NotFound,
    ),
    "diagrams.remove_edge": (lambda a, b, o: diagrams.remove_edge(a, b.t.edge.pk), NotFound),
    "lab.record_lab_analysis": (
        lambda a, b, o: lab.record_lab_analysis(
            a,
            enterprise_id=o.enterprise.pk,
            line_id=b.t.line.pk,
            sample_id="X",
            material="coal",
            sampled_at=T0,
            analysed_at=T0,
            method_standard="GB/T 213-2008",
            results=[lab.ResultInput("ncv", 22.0, "GJ/t")],
        ),
        NotFound,
    ),
    "lab.correct_lab_result": (
        lambda a, b, o: lab.correct_lab_result(a, b.t.result.pk, reason="x", value=1.0),
        NotFound,
    ),
    "metrology.create_instrument": (
        lambda a, b, o: metrology.create_instrument(
            a,
            enterprise_id=o.enterprise.pk,
            responsible_id=a.user_id,
            location_id=b.t.edge.pk,
            code="X",
            name_zh="x",
            instrument_type="other",
            range_min=0,
            range_max=1,
            range_unit="t",
            accuracy_class="0.5",
            installed_on=date(2021, 1, 1),
        ),
        NotFound,
    ),
    "metrology.update_instrument": (
        lambda a, b, o: metrology.update_instrument(a, b.instrument.pk, maker="x"),
        NotFound,
    ),
    "metrology.retire_instrument": (
        lambda a, b, o: metrology.retire_instrument(
            a, b.instrument.pk, retired_on=date(2025, 12, 31)
        ),
        NotFound,
    ),
    "metrology.link_tag": (
        lambda a, b, o: metrology.link_tag(a, b.instrument.pk, b.t.tag.pk),
        NotFound,
    ),
    "metrology.unlink_tag": (
        lambda a, b, o: metrology.unlink_tag(a, b.instrument.pk, b.t.tag.pk),
        NotFound,
    ),
    "metrology.move_instrument": (
        lambda a, b, o: metrology.move_instrument(
            a, b.instrument.pk, on=date(2025, 5, 1), location_id=None, install_location="x"
        ),
        NotFound,
    ),
    "metrology.set_instrument_status": (
        lambda a, b, o: metrology.set_instrument_status(
            a, b.instrument.pk, status="spare", on=date(2025, 5, 1)
        ),
        NotFound,
    ),
    "metrology.replace_instrument": (
        lambda a, b, o: metrology.replace_instrument(
            a, b.instrument.pk, on=date(2025, 5, 1), code="N", serial_number="S"
        ),
        NotFound,
    ),
    "metrology.create_metering_point": (
        lambda a, b, o: metrology.create_metering_point(
            a,
            enterprise_id=b.t.enterprise.pk,
            code="P",
            name_zh="x",
            level="entity",
            energy_kind="coal",
        ),
        NotFound,
    ),
}


def test_registry_covers_every_service_function() -> None:
    modules = (
        ("tenancy", tenancy),
        ("plant", plant),
        ("diagrams", diagrams),
        ("lab", lab),
        ("metrology", metrology),
    )
    public = {f"{p}.{n}" for p, m in modules for n in m.__all__ if n[0].islower()}
    assert public == set(CALLS)


@pytest.mark.parametrize("call", sorted(CALLS))
def test_foreign_objects_cannot_be_changed(
    setting: tuple[Actor, Foreign, Tenant], call: str
) -> None:
    actor, foreign, own = setting
    function, expected = CALLS[call]
    with pytest.raises(expected):
        function(actor, foreign, own)
    assert not AuditEntry.objects.filter(request_id=actor.request_id).exists()
