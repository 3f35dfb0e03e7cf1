"""Tenant isolation, by construction: no query function shows another tenant's data.

The world: Hubei with enterprises A and C, another province with B. Each actor below must see
none of the enterprises listed as forbidden through ANY public query function of tenancy, plant
and metrology; the registry below must name every function in those modules' ``__all__``, so a
new query function cannot be added without being checked here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import models

from tanji.metrology import queries as metrology_queries
from tanji.metrology.models import Instrument, ReviewerQualification
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries, services as tenancy_services
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import Enterprise, Province, User
from tanji.tenancy.validation import NotFound
from tests.metrology.factories import InstrumentFactory, MetrologyWorld, build_metrology
from tests.plant.factories import Tenant, build_tenant
from tests.tenancy.factories import EnterpriseFactory, ProvinceFactory, member

pytestmark = pytest.mark.django_db


@dataclass
class World:
    tenants: dict[str, Tenant]
    instruments: dict[str, Any]
    actors: dict[str, Actor]
    metrology: dict[str, MetrologyWorld]


@pytest.fixture
def world() -> World:
    hubei = ProvinceFactory()
    other = ProvinceFactory(code="430000", name_zh="湖南省", name_en="Hunan")
    enterprises = {
        "A": EnterpriseFactory(province=hubei),
        "B": EnterpriseFactory(province=other),
        "C": EnterpriseFactory(province=hubei),
    }
    tenants = {name: build_tenant(e) for name, e in enterprises.items()}
    instruments = {}
    metrology = {}
    for name, tenant in tenants.items():
        staff = member("metering_staff", tenant.enterprise)
        instrument = InstrumentFactory(
            enterprise=tenant.enterprise, responsible=staff, location=tenant.edge
        )
        instrument.tags.add(tenant.tag)
        instruments[name] = instrument
        metrology[name] = build_metrology(instrument)
        # one audited change per tenant, so audit queries have something to leak
        tenancy_services.update_enterprise(Actor.system(), tenant.enterprise.pk, address="x")
    a = enterprises["A"]
    actors = {
        role: Actor.for_user(member(role, a, **({"year": 2025} if role == "verifier" else {})))
        for role in (
            "enterprise_admin",
            "metering_staff",
            "lab_staff",
            "viewer",
            "verifier",
            "regulator",
            "metrology_reviewer",
        )
    }
    return World(tenants, instruments, actors, metrology)


FORBIDDEN = {
    "enterprise_admin": {"B", "C"},
    "metering_staff": {"B", "C"},
    "lab_staff": {"B", "C"},
    "viewer": {"B", "C"},
    "verifier": {"B", "C"},
    "regulator": {"B"},
    "metrology_reviewer": {"B"},
}

ListQuery = Callable[[Actor, World], Any]
LIST_QUERIES: dict[str, ListQuery] = {
    "tenancy.enterprises": lambda actor, w: tenancy_queries.enterprises(actor),
    "tenancy.provinces": lambda actor, w: tenancy_queries.provinces(actor),
    "tenancy.memberships": lambda actor, w: tenancy_queries.memberships(actor),
    "tenancy.users": lambda actor, w: tenancy_queries.users(actor),
    "tenancy.audit_entries": lambda actor, w: tenancy_queries.audit_entries(actor),
    "plant.sites": lambda actor, w: plant_queries.sites(actor),
    "plant.lines": lambda actor, w: plant_queries.lines(actor),
    "plant.sources": lambda actor, w: plant_queries.sources(actor),
    "plant.tags": lambda actor, w: plant_queries.tags(actor),
    "plant.diagrams": lambda actor, w: plant_queries.diagrams(actor),
    "plant.flow_nodes": lambda actor, w: plant_queries.flow_nodes(actor),
    "plant.flow_edges": lambda actor, w: plant_queries.flow_edges(actor),
    "plant.lab_analyses": lambda actor, w: plant_queries.lab_analyses(actor),
    "plant.lab_results": lambda actor, w: plant_queries.lab_results(actor),
    "metrology.instruments": lambda actor, w: metrology_queries.instruments(actor),
    "metrology.calibration_alerts": lambda a, w: metrology_queries.calibration_alerts(a),
    "metrology.calibration_bodies": lambda a, w: metrology_queries.calibration_bodies(a),
    "metrology.calibration_plans": lambda a, w: metrology_queries.calibration_plans(a),
    "metrology.calibrations_due": lambda a, w: Instrument.objects.filter(
        pk__in=[d.instrument_id for d in metrology_queries.calibrations_due(a, AT, 30)]
    ),
    "metrology.certificates": lambda a, w: metrology_queries.certificates(a),
    "metrology.instrument_events": lambda a, w: metrology_queries.instrument_events(a),
    "metrology.instrument_states": lambda a, w: Instrument.objects.filter(
        pk__in=[s.instrument_id for s in metrology_queries.instrument_states(a, AT)]
    ),
    "metrology.ledger_snapshots": lambda a, w: metrology_queries.ledger_snapshots(a),
    "metrology.metering_points": lambda a, w: metrology_queries.metering_points(a),
    "metrology.personnel_documents": lambda a, w: metrology_queries.personnel_documents(a),
    "metrology.qc_records": lambda a, w: metrology_queries.qc_records(a),
    "metrology.reference_standards": lambda a, w: metrology_queries.reference_standards(a),
    "metrology.review_findings": lambda a, w: metrology_queries.review_findings(a),
    "metrology.reviews": lambda a, w: metrology_queries.reviews(a),
    "metrology.reviewer_qualifications": lambda a, w: metrology_queries.reviewer_qualifications(a),
}
AT = date(2025, 6, 1)

DetailQuery = tuple[Callable[..., Any], Callable[[World, str], tuple[Any, ...]]]
DETAIL_QUERIES: dict[str, DetailQuery] = {
    "tenancy.enterprise": (tenancy_queries.enterprise, lambda w, n: (w.tenants[n].enterprise.pk,)),
    "tenancy.user": (
        tenancy_queries.user,
        lambda w, n: (w.instruments[n].responsible_id,),  # a staff member of tenant n
    ),
    "plant.site": (plant_queries.site, lambda w, n: (w.tenants[n].site.pk,)),
    "plant.line": (plant_queries.line, lambda w, n: (w.tenants[n].line.pk,)),
    "plant.source": (plant_queries.source, lambda w, n: (w.tenants[n].source.pk,)),
    "plant.tag": (plant_queries.tag, lambda w, n: (w.tenants[n].tag.pk,)),
    "plant.tag_by_code": (
        plant_queries.tag_by_code,
        lambda w, n: (w.tenants[n].enterprise.pk, w.tenants[n].tag.code),
    ),
    "plant.diagram": (plant_queries.diagram, lambda w, n: (w.tenants[n].diagram.pk,)),
    "plant.flow_edge": (plant_queries.flow_edge, lambda w, n: (w.tenants[n].edge.pk,)),
    "plant.lab_analysis": (plant_queries.lab_analysis, lambda w, n: (w.tenants[n].analysis.pk,)),
    "plant.lab_result": (plant_queries.lab_result, lambda w, n: (w.tenants[n].result.pk,)),
    "metrology.instrument": (metrology_queries.instrument, lambda w, n: (w.instruments[n].pk,)),
    "metrology.certificate": (
        metrology_queries.certificate,
        lambda w, n: (w.metrology[n].certificate.pk,),
    ),
    "metrology.ledger_snapshot": (
        metrology_queries.ledger_snapshot,
        lambda w, n: (w.metrology[n].snapshot.pk,),
    ),
    "metrology.review": (metrology_queries.review, lambda w, n: (w.metrology[n].review.pk,)),
    "metrology.calibration_plan": (
        metrology_queries.calibration_plan,
        lambda w, n: (w.metrology[n].plan.pk,),
    ),
    "metrology.personnel_document": (
        metrology_queries.personnel_document,
        lambda w, n: (w.metrology[n].document.pk,),
    ),
    "metrology.qc_record": (metrology_queries.qc_record, lambda w, n: (w.metrology[n].qc.pk,)),
    "plant.flow_node": (plant_queries.flow_node, lambda w, n: (w.tenants[n].edge.from_node_id,)),
    "metrology.tag_standard_uncertainty": (
        metrology_queries.tag_standard_uncertainty,
        lambda w, n: (w.tenants[n].tag.pk, 10.0, AT),
    ),
}

# Filtered lists, called with another tenant's parent id: must come back empty.
FILTERED_QUERIES: dict[str, Callable[[Actor, World, str], Any]] = {
    "plant.lines(site_id)": lambda a, w, n: plant_queries.lines(a, site_id=w.tenants[n].site.pk),
    "plant.tags(line_id)": lambda a, w, n: plant_queries.tags(a, line_id=w.tenants[n].line.pk),
    "plant.sources(line_id)": lambda a, w, n: plant_queries.sources(
        a, line_id=w.tenants[n].line.pk
    ),
    "plant.flow_nodes(diagram_id)": lambda a, w, n: plant_queries.flow_nodes(
        a, diagram_id=w.tenants[n].diagram.pk
    ),
    "plant.flow_edges(diagram_id)": lambda a, w, n: plant_queries.flow_edges(
        a, diagram_id=w.tenants[n].diagram.pk
    ),
    "plant.lab_results(analysis_id)": lambda a, w, n: plant_queries.lab_results(
        a, analysis_id=w.tenants[n].analysis.pk
    ),
    "metrology.instruments_for_tag": lambda a, w, n: metrology_queries.instruments_for_tag(
        a, w.tenants[n].tag.pk
    ),
    "metrology.instrument_events(instrument_id)": lambda a, w, n: (
        metrology_queries.instrument_events(a, instrument_id=w.instruments[n].pk)
    ),
    "metrology.certificates(instrument_id)": lambda a, w, n: metrology_queries.certificates(
        a, instrument_id=w.instruments[n].pk
    ),
    "metrology.personnel_documents(person_id)": lambda a, w, n: (
        metrology_queries.personnel_documents(a, person_id=w.instruments[n].responsible_id)
    ),
    "metrology.review_findings(review_id)": lambda a, w, n: metrology_queries.review_findings(
        a, review_id=w.metrology[n].review.pk
    ),
    "metrology.tag_metrology_status": lambda a, w, n: list(
        metrology_queries.tag_metrology_status(a, [w.tenants[n].tag.pk], AT)
    ),
}


def _owner_ids(row: models.Model, world: World) -> set[int]:
    """Enterprise ids a row belongs to (a province or user may relate to several)."""
    if isinstance(row, Enterprise):
        return {row.pk}
    if isinstance(row, Province):
        return set(row.enterprises.values_list("id", flat=True))
    if isinstance(row, ReviewerQualification):  # a person's own province paper, no enterprise
        return set()
    if isinstance(row, User):
        return set(row.memberships.exclude(enterprise=None).values_list("enterprise_id", flat=True))
    return {row.enterprise_id} if row.enterprise_id else set()  # type: ignore[attr-defined]


#: Query functions whose scoping is not per tenant, checked by a test of their own below.
OWN_TESTS = {"metrology.reviewer_qualification"}


def test_registry_covers_every_query_function() -> None:
    covered = {name.split("(")[0] for name in (*LIST_QUERIES, *DETAIL_QUERIES, *FILTERED_QUERIES)}
    covered |= OWN_TESTS
    public = {
        f"{module.__name__.split('.')[1]}.{name}"
        for module in (tenancy_queries, plant_queries, metrology_queries)
        for name in module.__all__
    }
    assert public <= covered


# Roles are looped inside each test (one world per query function keeps the suite quick on
# PostgreSQL); the assertion message names the role.


@pytest.mark.parametrize("query", sorted(LIST_QUERIES))
def test_list_queries_show_nothing_of_other_tenants(world: World, query: str) -> None:
    for role, names in FORBIDDEN.items():
        forbidden = {world.tenants[n].enterprise.pk for n in names}
        rows = list(LIST_QUERIES[query](world.actors[role], world))
        leaked = [r for r in rows if _owner_ids(r, world) and _owner_ids(r, world) <= forbidden]
        assert leaked == [], role


@pytest.mark.parametrize("query", sorted(DETAIL_QUERIES))
def test_detail_queries_refuse_other_tenants(world: World, query: str) -> None:
    function, arguments = DETAIL_QUERIES[query]
    for role, names in FORBIDDEN.items():
        function(world.actors[role], *arguments(world, "A"))  # own data is visible
        for name in names:
            with pytest.raises(NotFound) as caught:
                function(world.actors[role], *arguments(world, name))
            assert caught.value.code == "tenancy.not_found", role


@pytest.mark.parametrize("query", sorted(FILTERED_QUERIES))
def test_filtered_queries_by_foreign_parent_are_empty(world: World, query: str) -> None:
    for role, names in FORBIDDEN.items():
        assert list(FILTERED_QUERIES[query](world.actors[role], world, "A")), role
        for name in names:
            assert list(FILTERED_QUERIES[query](world.actors[role], world, name)) == [], role


def test_reviewer_qualifications_are_seen_by_their_holder_only(world: World) -> None:
    reviewer = world.actors["metrology_reviewer"]
    province = world.tenants["A"].enterprise.province
    paper = ReviewerQualification.objects.create(
        province=province,
        person_id=reviewer.user_id,
        number="SC-1",
        issued_on=date(2025, 1, 1),
        valid_until=date(2027, 1, 1),
    )
    assert list(metrology_queries.reviewer_qualifications(reviewer)) == [paper]
    for role in ("regulator", "enterprise_admin", "viewer"):
        assert not metrology_queries.reviewer_qualifications(world.actors[role]).exists(), role
    assert list(metrology_queries.reviewer_qualifications(Actor.system())) == [paper]
    assert metrology_queries.reviewer_qualification(reviewer, paper.pk) == paper
    for role in ("regulator", "enterprise_admin", "viewer"):
        with pytest.raises(NotFound):
            metrology_queries.reviewer_qualification(world.actors[role], paper.pk)


def test_own_enterprise_data_is_visible(world: World) -> None:
    actor = world.actors["viewer"]
    assert list(tenancy_queries.enterprises(actor)) == [world.tenants["A"].enterprise]
    assert set(plant_queries.tags(actor)) == {world.tenants["A"].tag}


def test_regulator_sees_every_enterprise_of_its_province(world: World) -> None:
    seen = set(tenancy_queries.enterprises(world.actors["regulator"]))
    assert seen == {world.tenants["A"].enterprise, world.tenants["C"].enterprise}


def test_audit_trail_is_hidden_from_roles_without_view_audit(world: World) -> None:
    assert list(tenancy_queries.audit_entries(world.actors["viewer"])) == []
    assert tenancy_queries.audit_entries(world.actors["enterprise_admin"]).exists()


def test_verifier_sees_lab_data_of_its_year_only(world: World) -> None:
    verifier = world.actors["verifier"]
    analysis = world.tenants["A"].analysis
    assert list(plant_queries.lab_analyses(verifier)) == [analysis]
    type(analysis).objects.filter(pk=analysis.pk).update(
        sampled_at=analysis.sampled_at.replace(year=2024)
    )
    assert list(plant_queries.lab_analyses(verifier)) == []
    assert list(plant_queries.lab_results(verifier)) == []


def test_user_without_memberships_sees_nothing(world: World) -> None:
    from tests.tenancy.factories import UserFactory

    actor = Actor.for_user(UserFactory())
    assert not tenancy_queries.enterprises(actor).exists()
    assert not plant_queries.tags(actor).exists()
    assert list(tenancy_queries.users(actor)) == [User.objects.get(pk=actor.user_id)]


def test_deactivated_user_loses_every_grant(world: World) -> None:
    user = User.objects.get(pk=world.actors["enterprise_admin"].user_id)
    user.is_active = False
    user.save()
    assert not tenancy_queries.enterprises(Actor.for_user(user)).exists()
