"""Carbon-flow diagram exchange as JSON (R7.1.1): export with instrument placements, import.

The document names everything by key or code (nodes by key, sources and instruments by code),
never by database id, so a diagram moves between installations. Import validates the whole
document first and reports the exact path of the first fault (``edges[3].to``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tanji.errors import CodedError
from tanji.metrology import queries, services
from tanji.plant import diagrams, queries as plant_queries
from tanji.plant.choices import FlowMediumChoices, NodeKindChoices
from tanji.plant.models import CarbonFlowDiagram
from tanji.tenancy.actor import Actor

__all__ = ["FORMAT", "DiagramFormatError", "export_diagram", "import_diagram"]

FORMAT = "tanji.carbon-flow-diagram/1"
NODE_KEYS = ("key", "kind", "name_zh", "name_en", "x", "y")
EDGE_KEYS = ("key", "from", "to", "medium", "name_zh", "name_en", "feeds", "instruments")


class DiagramFormatError(CodedError):
    """A diagram document that does not follow :data:`FORMAT`."""


def export_diagram(actor: Actor, diagram_id: int) -> dict[str, Any]:
    """The diagram as a JSON-ready document, with the instruments placed on each edge."""
    diagram = plant_queries.diagram(actor, diagram_id)
    placed: dict[int, list[str]] = {}
    for instrument in queries.instruments(actor).filter(location__diagram=diagram):
        placed.setdefault(instrument.location_id or 0, []).append(instrument.code)
    nodes = [
        {k: getattr(n, k) for k in NODE_KEYS}
        for n in plant_queries.flow_nodes(actor, diagram_id=diagram.pk)
    ]
    edges = [
        {
            "key": e.key,
            "from": e.from_node.key,
            "to": e.to_node.key,
            "medium": e.medium,
            "name_zh": e.name_zh,
            "name_en": e.name_en,
            "feeds": sorted(e.feeds.values_list("code", flat=True)),
            "instruments": sorted(placed.get(e.pk, [])),
        }
        for e in plant_queries.flow_edges(actor, diagram_id=diagram.pk)
    ]
    return {
        "format": FORMAT,
        "line": diagram.line.code,
        "title": diagram.title,
        "nodes": nodes,
        "edges": edges,
    }


def _fail(path: str, expected: str, got: Any) -> DiagramFormatError:
    return DiagramFormatError(
        "metrology.diagram_format",
        "{path}: expected {expected}, got {got!r}",
        path=path,
        expected=expected,
        got=got,
    )


def _validate(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _fail(
            "format", FORMAT, document.get("format") if isinstance(document, dict) else document
        )
    for name in ("nodes", "edges"):
        if not isinstance(document.get(name), list) or not document[name]:
            raise _fail(name, "a non-empty list", document.get(name))
    keys = _validate_nodes(document["nodes"])
    _validate_edges(document["edges"], keys)


def _validate_nodes(nodes: list[Any]) -> set[str]:
    keys: set[str] = set()
    for i, node in enumerate(nodes):
        _require(node, f"nodes[{i}]", ("key", "kind", "name_zh"))
        if node["kind"] not in NodeKindChoices.values:
            raise _fail(f"nodes[{i}].kind", " | ".join(NodeKindChoices.values), node["kind"])
        if node["key"] in keys:
            raise _fail(f"nodes[{i}].key", "a key not used before", node["key"])
        keys.add(node["key"])
    return keys


def _validate_edges(edges: list[Any], keys: set[str]) -> None:
    for i, edge in enumerate(edges):
        _require(edge, f"edges[{i}]", ("key", "from", "to", "medium", "name_zh"))
        for end in ("from", "to"):
            if edge[end] not in keys:
                raise _fail(f"edges[{i}].{end}", "a node key", edge[end])
        if edge["medium"] not in FlowMediumChoices.values:
            raise _fail(f"edges[{i}].medium", " | ".join(FlowMediumChoices.values), edge["medium"])


def _require(item: Any, path: str, fields: tuple[str, ...]) -> None:
    if not isinstance(item, dict):
        raise _fail(path, "an object", item)
    for name in fields:
        if not isinstance(item.get(name), str) or not item[name]:
            raise _fail(f"{path}.{name}", "a non-empty string", item.get(name))


@transaction.atomic
def import_diagram(actor: Actor, line_id: int, document: Any) -> CarbonFlowDiagram:
    """Create a line's diagram from a document and place the named instruments on its edges."""
    _validate(document)
    line = plant_queries.line(actor, line_id)
    sources = dict(
        plant_queries.sources(actor)
        .filter(enterprise_id=line.enterprise_id)
        .values_list("code", "pk")
    )
    instruments = dict(
        queries.instruments(actor)
        .filter(enterprise_id=line.enterprise_id)
        .values_list("code", "pk")
    )
    diagram = diagrams.create_diagram(actor, line_id=line.pk, title=str(document.get("title", "")))
    for node in document["nodes"]:
        diagrams.add_node(
            actor, diagram_id=diagram.pk, **{k: node[k] for k in NODE_KEYS if k in node}
        )
    for i, edge in enumerate(document["edges"]):
        unknown = [c for c in edge.get("feeds", []) if c not in sources]
        unknown += [c for c in edge.get("instruments", []) if c not in instruments]
        if unknown:
            raise _fail(f"edges[{i}]", "codes of this enterprise's sources/instruments", unknown)
        created = diagrams.add_edge(
            actor,
            diagram_id=diagram.pk,
            from_key=edge["from"],
            to_key=edge["to"],
            feeds=[sources[c] for c in edge.get("feeds", [])],
            **{k: edge[k] for k in ("key", "medium", "name_zh", "name_en") if k in edge},
        )
        for code in edge.get("instruments", []):
            services.update_instrument(actor, instruments[code], location_id=created.pk)
    return diagram
