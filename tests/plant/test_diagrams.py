"""Carbon-flow diagram writes: nodes, edges between them, sources fed by flows."""

from __future__ import annotations

import pytest

from tanji.plant import diagrams
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import InvalidInput, NotFound
from tests.plant.factories import DiagramFactory, LineFactory, SourceFactory
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db


def _diagram_with_nodes() -> tuple[Actor, int]:
    diagram = DiagramFactory()
    actor = Actor.for_user(member("enterprise_admin", diagram.enterprise))
    for key in ("ca-feeder", "preheater"):
        diagrams.add_node(actor, diagram_id=diagram.pk, key=key, kind="feeder", name_zh=key)
    return actor, diagram.pk


def test_edge_joins_nodes_and_names_the_sources_it_feeds() -> None:
    actor, diagram_id = _diagram_with_nodes()
    line = DiagramFactory._meta.model.objects.get(pk=diagram_id).line
    source = SourceFactory(line=line)
    edge = diagrams.add_edge(
        actor,
        diagram_id=diagram_id,
        key="coal-ca",
        from_key="ca-feeder",
        to_key="preheater",
        medium="fuel",
        name_zh="分解炉煤粉",
        feeds=[source.pk],
    )
    assert (edge.from_node.key, edge.to_node.key) == ("ca-feeder", "preheater")
    assert list(edge.feeds.all()) == [source]
    feeds = AuditEntry.objects.get(action="set_feeds", object_id=str(edge.pk))
    assert feeds.after["feeds"] == [source.pk]


def test_unknown_node_key_is_named() -> None:
    actor, diagram_id = _diagram_with_nodes()
    with pytest.raises(InvalidInput) as caught:
        diagrams.add_edge(
            actor,
            diagram_id=diagram_id,
            key="e",
            from_key="coal-mill",
            to_key="preheater",
            medium="fuel",
            name_zh="x",
        )
    assert caught.value.code == "plant.unknown_node"
    assert caught.value.params["key"] == "coal-mill"
    assert caught.value.params["known"] == "ca-feeder, preheater"


def test_a_flow_joins_two_distinct_nodes() -> None:
    actor, diagram_id = _diagram_with_nodes()
    with pytest.raises(InvalidInput) as caught:
        diagrams.add_edge(
            actor,
            diagram_id=diagram_id,
            key="e",
            from_key="preheater",
            to_key="preheater",
            medium="fuel",
            name_zh="x",
        )
    assert caught.value.params["reason"] == "loop"


def test_feeding_a_source_of_another_tenant_is_not_found() -> None:
    actor, diagram_id = _diagram_with_nodes()
    foreign = SourceFactory()
    with pytest.raises(NotFound):
        diagrams.add_edge(
            actor,
            diagram_id=diagram_id,
            key="e",
            from_key="ca-feeder",
            to_key="preheater",
            medium="fuel",
            name_zh="x",
            feeds=[foreign.pk],
        )


def test_one_diagram_per_line_and_only_plant_editors_draw() -> None:
    line = LineFactory()
    diagrams.create_diagram(Actor.system(), line_id=line.pk, title="碳流图")
    with pytest.raises(InvalidInput):
        diagrams.create_diagram(Actor.system(), line_id=line.pk, title="again")
    with pytest.raises(AccessDenied):
        diagrams.create_diagram(
            Actor.for_user(member("lab_staff", line.enterprise)),
            line_id=LineFactory(site__enterprise=line.enterprise).pk,
            title="x",
        )


def test_nodes_move_flows_rename_and_removal_unplaces_instruments() -> None:
    from tests.metrology.factories import InstrumentFactory

    actor, diagram_id = _diagram_with_nodes()
    edge = diagrams.add_edge(
        actor,
        diagram_id=diagram_id,
        key="coal-ca",
        from_key="ca-feeder",
        to_key="preheater",
        medium="fuel",
        name_zh="煤粉",
    )
    node = diagrams.update_node(actor, edge.from_node_id, x=12.5, y=-4.0)
    assert (node.x, node.y) == (12.5, -4.0)
    assert diagrams.update_edge(actor, edge.pk, name_zh="分解炉煤粉").name_zh == "分解炉煤粉"
    with pytest.raises(InvalidInput) as caught:
        diagrams.update_edge(actor, edge.pk, from_node_id=node.pk)
    assert caught.value.code == "plant.field_not_editable"
    scale = InstrumentFactory(enterprise=edge.enterprise, location=edge)
    diagrams.remove_edge(actor, edge.pk)
    scale.refresh_from_db()
    assert scale.location_id is None
    deleted = AuditEntry.objects.get(object_type="plant.flowedge", action="delete")
    assert deleted.before is not None
    assert deleted.before["key"] == "coal-ca"
    outsider = Actor.for_user(member("enterprise_admin", LineFactory().enterprise))
    with pytest.raises(NotFound):
        diagrams.update_node(outsider, node.pk, x=0)
    viewer = Actor.for_user(member("metering_staff", edge.enterprise))
    with pytest.raises(AccessDenied):
        diagrams.update_node(viewer, node.pk, x=0)
