"""Plant writes: who may change what, validation into CodedErrors, an audit entry per change."""

from __future__ import annotations

from typing import Any

import pytest

from tanji.plant import services
from tanji.plant.choices import SOURCE_KINDS
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import InvalidInput, NotFound
from tests.plant.factories import LineFactory, SiteFactory, SourceFactory, TagFactory
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db

TAG = {
    "code": "L1-COAL-CA-RATE",
    "name_zh": "分解炉喂煤量",
    "quantity_kind": "mass_flow",
    "unit": "t/h",
    "resolution": 0.01,
    "aggregation": "measurement",
    "range_min": 0.0,
    "range_max": 25.0,
    "accounting_role": "activity",
}


def _admin(enterprise: Any) -> Actor:
    return Actor.for_user(member("enterprise_admin", enterprise))


def _audited(instance: Any, action: str) -> AuditEntry:
    return AuditEntry.objects.get(
        object_type=instance._meta.label_lower, object_id=str(instance.pk), action=action
    )


def test_site_line_source_tag_chain_is_created_and_audited() -> None:
    enterprise = EnterpriseFactory()
    actor = _admin(enterprise)
    site = services.create_site(actor, enterprise_id=enterprise.pk, code="S1", name_zh="厂区")
    line = services.create_line(
        actor, site_id=site.pk, code="L1", name_zh="1号线", design_capacity_t_per_d=5000
    )
    source = services.create_source(
        actor, site_id=site.pk, line_id=line.pk, kind="coal_calciner", code="L1-CA", name_zh="煤"
    )
    tag = services.create_tag(
        actor, enterprise_id=enterprise.pk, line_id=line.pk, source_id=source.pk, **TAG
    )
    for instance in (site, line, source, tag):
        assert instance.enterprise_id == enterprise.pk
        assert _audited(instance, "create").user_id == actor.user_id


@pytest.mark.parametrize("kind", sorted(SOURCE_KINDS))
def test_source_boundaries_default_from_the_kind(kind: str) -> None:
    line = LineFactory()
    source = services.create_source(
        Actor.system(), site_id=line.site_id, line_id=line.pk, kind=kind, code=kind, name_zh="x"
    )
    expected = SOURCE_KINDS[kind]
    assert (source.in_clinker_boundary, source.in_enterprise_boundary) == (
        expected.clinker,
        expected.enterprise,
    )
    assert source.category == expected.category


def test_line_source_without_a_line_is_refused() -> None:
    site = SiteFactory()
    with pytest.raises(InvalidInput) as caught:
        services.create_source(
            Actor.system(), site_id=site.pk, kind="coal_kiln_head", code="X", name_zh="x"
        )
    assert caught.value.params["field"] == "line"


def test_unknown_source_kind_lists_the_known_ones() -> None:
    site = SiteFactory()
    with pytest.raises(InvalidInput) as caught:
        services.create_source(Actor.system(), site_id=site.pk, kind="peat", code="X", name_zh="x")
    assert caught.value.code == "plant.unknown_source_kind"
    assert "coal_calciner" in caught.value.params["expected"]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"unit": "kWh"}, "unit", "unit_mismatch"),
        ({"range_min": 30.0}, "range_max", "bad_range"),
        ({"resolution": 0.0}, "resolution", "not_positive"),
        ({"aggregation": "total_increasing"}, "rollover_max", "required"),
        ({"rollover_max": 1e6}, "rollover_max", "not_counter"),
        ({"quantity_kind": "density"}, "quantity_kind", "invalid_choice"),
    ],
)
def test_bad_tag_definitions_name_field_and_reason(
    changes: dict[str, Any], field: str, reason: str
) -> None:
    line = LineFactory()
    with pytest.raises(InvalidInput) as caught:
        services.create_tag(
            Actor.system(), enterprise_id=line.enterprise_id, line_id=line.pk, **(TAG | changes)
        )
    assert (caught.value.params["field"], caught.value.params["reason"]) == (field, reason)


def test_counter_tag_with_roll_over_is_accepted() -> None:
    line = LineFactory()
    tag = services.create_tag(
        Actor.system(),
        enterprise_id=line.enterprise_id,
        line_id=line.pk,
        **(
            TAG
            | {
                "aggregation": "total_increasing",
                "unit": "t",
                "quantity_kind": "mass",
                "range_max": 1e7,
                "rollover_max": 1e7,
            }
        ),
    )
    assert tag.rollover_max == 1e7


def test_tag_code_is_unique_per_enterprise_only() -> None:
    first, second = LineFactory(), LineFactory()
    services.create_tag(Actor.system(), enterprise_id=first.enterprise_id, **TAG)
    services.create_tag(Actor.system(), enterprise_id=second.enterprise_id, **TAG)
    with pytest.raises(InvalidInput) as caught:
        services.create_tag(Actor.system(), enterprise_id=first.enterprise_id, **TAG)
    assert caught.value.params["reason"] == "unique_together"
    assert caught.value.params["field"] == "code"


def test_parent_of_another_enterprise_is_not_found_even_for_the_operator_scope() -> None:
    line = LineFactory()
    other = EnterpriseFactory()
    with pytest.raises(NotFound):
        services.create_tag(_admin(other), enterprise_id=other.pk, line_id=line.pk, **TAG)
    with pytest.raises(InvalidInput) as caught:
        services.create_tag(Actor.system(), enterprise_id=other.pk, line_id=line.pk, **TAG)
    assert caught.value.params["reason"] == "other_enterprise"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("enterprise_admin", True),
        ("metering_staff", True),
        ("lab_staff", False),
        ("viewer", False),
        ("regulator", False),
    ],
)
def test_who_may_create_tags(role: str, allowed: bool) -> None:
    line = LineFactory()
    actor = Actor.for_user(member(role, line.enterprise))
    if allowed:
        services.create_tag(actor, enterprise_id=line.enterprise_id, line_id=line.pk, **TAG)
    else:
        with pytest.raises(AccessDenied):
            services.create_tag(actor, enterprise_id=line.enterprise_id, line_id=line.pk, **TAG)


def test_metering_staff_may_not_restructure_the_plant() -> None:
    site = SiteFactory()
    with pytest.raises(AccessDenied):
        services.create_line(
            Actor.for_user(member("metering_staff", site.enterprise)),
            site_id=site.pk,
            code="L9",
            name_zh="x",
            design_capacity_t_per_d=5000,
        )


def test_updates_record_before_and_after() -> None:
    tag = TagFactory()
    line = tag.line
    actor = _admin(tag.enterprise)
    services.update_tag(actor, tag.pk, range_max=30.0, active=False)
    services.update_line(actor, line.pk, design_capacity_t_per_d=5500)
    services.update_site(actor, line.site_id, name_en="Works")
    services.update_source(actor, tag.source_id, in_enterprise_boundary=False)
    entry = _audited(tag, "update")
    assert (entry.before["range_max"], entry.after["range_max"]) == (25.0, 30.0)
    assert _audited(line, "update").after["design_capacity_t_per_d"] == 5500
    assert AuditEntry.objects.filter(action="update").count() == 4


def test_implausible_line_capacity_is_refused() -> None:
    line = LineFactory()
    with pytest.raises(InvalidInput) as caught:
        services.update_line(Actor.system(), line.pk, design_capacity_t_per_d=50000)
    assert caught.value.params["field"] == "design_capacity_t_per_d"


def test_tag_source_must_be_on_the_tag_line() -> None:
    tag = TagFactory()
    other_line_source = SourceFactory(line=LineFactory(site=tag.line.site))
    with pytest.raises(InvalidInput) as caught:
        services.update_tag(Actor.system(), tag.pk, source_id=other_line_source.pk)
    assert caught.value.params["reason"] == "other_line"


def test_sources_filter_by_boundary_and_refuse_unknown_ones() -> None:
    from tanji.plant import queries

    line = LineFactory()
    actor = Actor.system()
    for kind in ("line_electricity", "purchased_electricity", "coal_calciner"):
        services.create_source(
            actor, site_id=line.site_id, line_id=line.pk, kind=kind, code=kind, name_zh="x"
        )
    clinker = {s.kind for s in queries.sources(actor, boundary="clinker")}
    enterprise = {s.kind for s in queries.sources(actor, boundary="enterprise")}
    assert clinker == {"line_electricity", "coal_calciner"}
    assert enterprise == {"purchased_electricity", "coal_calciner"}
    with pytest.raises(InvalidInput) as caught:
        queries.sources(actor, boundary="national")
    assert caught.value.code == "plant.unknown_boundary"
