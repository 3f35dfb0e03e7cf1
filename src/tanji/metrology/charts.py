"""ECharts option builders for the carbon-flow diagram: a graph and a Sankey (tested as data).

Both take the exchange document of :func:`tanji.metrology.exchange.export_diagram`, so the chart
shows exactly what an export would hold; live quantities (edge key → value and unit) and the
metrology state of each instrument are optional overlays. The JavaScript stays generic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["STATE_COLOURS", "graph_option", "sankey_option"]

#: Edge colour by the worst metrology state of the instruments on it.
STATE_COLOURS = {
    "ok": "#2e7d32",
    "maintenance": "#f9a825",
    "overdue": "#c62828",
    "failed": "#6a1b9a",
    "none": "#9e9e9e",
}
SEVERITY = ("failed", "overdue", "maintenance", "ok")
GRID_PX = 160
KIND_SYMBOLS = {
    "process_unit": "rect",
    "store": "roundRect",
    "feeder": "triangle",
    "external": "circle",
}


def _edge_state(instruments: list[str], states: Mapping[str, str]) -> str:
    found = [states.get(code, "ok") for code in instruments]
    return next((s for s in SEVERITY if s in found), "none")


def _edge_label(edge: Mapping[str, Any], quantity: tuple[float, str] | None) -> str:
    parts = [str(edge["name_zh"])]
    if edge.get("instruments"):
        parts.append(" · ".join(edge["instruments"]))
    if quantity is not None:
        parts.append(f"{quantity[0]:.3g} {quantity[1]}")
    return "\n".join(parts)


def _link(
    edge: Mapping[str, Any],
    quantities: Mapping[str, tuple[float, str]],
    states: Mapping[str, str],
) -> dict[str, Any]:
    state = _edge_state(list(edge.get("instruments", [])), states)
    return {
        "id": edge["key"],
        "source": edge["from"],
        "target": edge["to"],
        "label": {"show": True, "formatter": _edge_label(edge, quantities.get(edge["key"]))},
        "lineStyle": {
            "color": STATE_COLOURS[state],
            "width": 3 if edge.get("instruments") else 1,
        },
        "metrology": state,
    }


def graph_option(
    document: Mapping[str, Any],
    quantities: Mapping[str, tuple[float, str]] | None = None,
    states: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A ``graph`` series: nodes at their diagram positions, edges labelled and coloured."""
    quantities, states = quantities or {}, states or {}
    kinds = sorted({n["kind"] for n in document["nodes"]})
    nodes = [
        {
            "id": n["key"],
            "name": n["name_zh"],
            "x": n["x"] * GRID_PX,
            "y": n["y"] * GRID_PX,
            "category": kinds.index(n["kind"]),
            "symbol": KIND_SYMBOLS.get(n["kind"], "circle"),
        }
        for n in document["nodes"]
    ]
    links = [_link(edge, quantities, states) for edge in document["edges"]]
    return {
        "title": {"text": document.get("title", "")},
        "tooltip": {},
        "legend": [{"data": kinds}],
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "edgeSymbol": ["none", "arrow"],
                "categories": [{"name": k} for k in kinds],
                "data": nodes,
                "links": links,
            }
        ],
    }


def _reaches(adjacency: dict[str, set[str]], start: str, goal: str) -> bool:
    stack, seen = [start], set()
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(adjacency.get(node, ()))
    return False


def sankey_option(
    document: Mapping[str, Any], flows: Mapping[str, float], unit: str
) -> dict[str, Any]:
    """A ``sankey`` series of edges with a positive flow; edges closing a cycle are left out.

    ECharts' Sankey needs an acyclic graph; a plant has loops (waste-heat power back to the
    grid), so such edges are listed in ``dropped`` for the page to show beside the chart.
    """
    names = {n["key"]: n["name_zh"] for n in document["nodes"]}
    adjacency: dict[str, set[str]] = {}
    links, dropped, used = [], [], set()
    for edge in document["edges"]:
        value = flows.get(edge["key"], 0.0)
        if value <= 0:
            continue
        if _reaches(adjacency, edge["to"], edge["from"]):
            dropped.append(edge["key"])
            continue
        adjacency.setdefault(edge["from"], set()).add(edge["to"])
        used |= {edge["from"], edge["to"]}
        links.append({"source": names[edge["from"]], "target": names[edge["to"]], "value": value})
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "sankey",
                "emphasis": {"focus": "adjacency"},
                "data": [{"name": names[k]} for k in names if k in used],
                "links": links,
            }
        ],
        "unit": unit,
        "dropped": dropped,
    }
