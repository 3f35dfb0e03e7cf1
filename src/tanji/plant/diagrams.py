"""Writes of carbon-flow diagrams: a diagram per line, its nodes and its edges (R7.1.1).

Part of the plant app's service layer (split from :mod:`tanji.plant.services` by subject).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tanji.plant import queries
from tanji.plant.models import CarbonFlowDiagram, EmissionSource, FlowEdge, FlowNode
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_changes, save_new

__all__ = [
    "add_edge",
    "add_node",
    "create_diagram",
    "remove_edge",
    "update_edge",
    "update_node",
]

NODE_FIELDS = frozenset({"key", "kind", "name_zh", "name_en", "x", "y"})
EDGE_FIELDS = frozenset({"key", "medium", "name_zh", "name_en"})


@transaction.atomic
def create_diagram(actor: Actor, *, line_id: int, title: str, notes: str = "") -> CarbonFlowDiagram:
    """Create the carbon-flow diagram of a production line."""
    line = queries.line(actor, line_id)
    actor.require(Action.EDIT_PLANT, line.enterprise)
    diagram = CarbonFlowDiagram(enterprise_id=line.enterprise_id, line=line)
    return save_new(actor, diagram, {"title": title, "notes": notes}, {"title", "notes"})


@transaction.atomic
def add_node(actor: Actor, *, diagram_id: int, **fields: Any) -> FlowNode:
    """Add a process unit, store or feeder to a diagram."""
    diagram = queries.diagram(actor, diagram_id)
    actor.require(Action.EDIT_PLANT, diagram.enterprise)
    node = FlowNode(enterprise_id=diagram.enterprise_id, diagram=diagram)
    return save_new(actor, node, fields, NODE_FIELDS)


@transaction.atomic
def add_edge(
    actor: Actor,
    *,
    diagram_id: int,
    from_key: str,
    to_key: str,
    feeds: Iterable[int] = (),
    **fields: Any,
) -> FlowEdge:
    """Add a flow between two nodes (by key) and name the emission sources it feeds."""
    diagram = queries.diagram(actor, diagram_id)
    actor.require(Action.EDIT_PLANT, diagram.enterprise)
    nodes = {n.key: n for n in queries.flow_nodes(actor, diagram_id=diagram.pk)}
    for role, key in (("from_key", from_key), ("to_key", to_key)):
        if key not in nodes:
            raise InvalidInput(
                "plant.unknown_node",
                "diagram {diagram}: {role} {key!r} names no node (known: {known})",
                diagram=diagram.pk,
                role=role,
                key=key,
                known=", ".join(sorted(nodes)),
            )
    edge = FlowEdge(
        enterprise_id=diagram.enterprise_id,
        diagram=diagram,
        from_node=nodes[from_key],
        to_node=nodes[to_key],
    )
    save_new(actor, edge, fields, EDGE_FIELDS)
    _set_feeds(actor, edge, [queries.source(actor, source_id) for source_id in feeds])
    return edge


def _set_feeds(actor: Actor, edge: FlowEdge, sources: list[EmissionSource]) -> None:
    """Name the emission sources the flow feeds (same enterprise), audited as one change."""
    for source in sources:
        if source.enterprise_id != edge.enterprise_id:
            raise InvalidInput(
                "plant.other_enterprise",
                "source {source} belongs to another enterprise",
                source=source.pk,
            )
    if sources:
        before = snapshot(edge) | {"feeds": []}
        edge.feeds.set(sources)
        after = snapshot(edge) | {"feeds": sorted(s.pk for s in sources)}
        record(actor, "set_feeds", edge, before, after)


@transaction.atomic
def update_node(actor: Actor, node_id: int, **changes: Any) -> FlowNode:
    """Rename or move a node (its key, kind, names, position on the drawing)."""
    node = queries.flow_node(actor, node_id)
    actor.require(Action.EDIT_PLANT, node.enterprise)
    return save_changes(actor, node, changes, NODE_FIELDS)


@transaction.atomic
def update_edge(actor: Actor, edge_id: int, **changes: Any) -> FlowEdge:
    """Rename a flow or change its medium (its ends stay: remove and add to reroute)."""
    edge = queries.flow_edge(actor, edge_id)
    actor.require(Action.EDIT_PLANT, edge.enterprise)
    return save_changes(actor, edge, changes, EDGE_FIELDS)


@transaction.atomic
def remove_edge(actor: Actor, edge_id: int) -> None:
    """Delete a flow; instruments placed on it become unplaced (their history keeps the move)."""
    edge = queries.flow_edge(actor, edge_id)
    actor.require(Action.EDIT_PLANT, edge.enterprise)
    before = snapshot(edge) | {"feeds": sorted(edge.feeds.values_list("pk", flat=True))}
    record(actor, "delete", edge, before, None)
    edge.delete()
