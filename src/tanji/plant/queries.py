"""Tenant-scoped reads of the plant app; every function starts from the actor.

Lab data is dated: a verifier granted one reporting year sees only analyses sampled in it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tanji.plant.models import (
    CarbonFlowDiagram,
    EmissionSource,
    FlowEdge,
    FlowNode,
    LabAnalysis,
    LabResult,
    ProductionLine,
    Site,
    Tag,
)
from tanji.tenancy.actor import Actor
from tanji.tenancy.validation import InvalidInput, NotFound, get_visible

#: Boundary name → the source flag that puts a source inside it.
BOUNDARY_FIELDS = {"clinker": "in_clinker_boundary", "enterprise": "in_enterprise_boundary"}

__all__ = [
    "diagram",
    "diagrams",
    "flow_edge",
    "flow_edges",
    "flow_node",
    "flow_nodes",
    "lab_analyses",
    "lab_analysis",
    "lab_result",
    "lab_results",
    "line",
    "lines",
    "site",
    "sites",
    "source",
    "sources",
    "tag",
    "tag_by_code",
    "tags",
]


def sites(actor: Actor) -> QuerySet[Site]:
    """Sites of the enterprises the actor sees."""
    return Site.objects.visible_to(actor)


def site(actor: Actor, site_id: int) -> Site:
    """One visible site."""
    return get_visible(sites(actor), site_id, "site")  # type: ignore[no-any-return]


def lines(actor: Actor, *, site_id: int | None = None) -> QuerySet[ProductionLine]:
    """Production lines the actor sees, optionally of one site."""
    result = ProductionLine.objects.visible_to(actor).select_related("site")
    return result.filter(site_id=site_id) if site_id is not None else result


def line(actor: Actor, line_id: int) -> ProductionLine:
    """One visible production line."""
    return get_visible(lines(actor), line_id, "production line")  # type: ignore[no-any-return]


def sources(
    actor: Actor, *, line_id: int | None = None, boundary: str | None = None
) -> QuerySet[EmissionSource]:
    """Emission sources the actor sees; ``boundary`` is ``clinker`` or ``enterprise``."""
    result = EmissionSource.objects.visible_to(actor)
    if line_id is not None:
        result = result.filter(line_id=line_id)
    if boundary is None:
        return result
    if boundary not in BOUNDARY_FIELDS:
        raise InvalidInput(
            "plant.unknown_boundary",
            "unknown boundary {boundary!r} (expected clinker or enterprise)",
            boundary=boundary,
        )
    return result.filter(**{BOUNDARY_FIELDS[boundary]: True})


def source(actor: Actor, source_id: int) -> EmissionSource:
    """One visible emission source."""
    return get_visible(sources(actor), source_id, "emission source")  # type: ignore[no-any-return]


def tags(actor: Actor, *, line_id: int | None = None) -> QuerySet[Tag]:
    """Tags the actor sees, optionally of one line."""
    result = Tag.objects.visible_to(actor)
    return result.filter(line_id=line_id) if line_id is not None else result


def tag(actor: Actor, tag_id: int) -> Tag:
    """One visible tag (the time-series key)."""
    return get_visible(tags(actor), tag_id, "tag")  # type: ignore[no-any-return]


def tag_by_code(actor: Actor, enterprise_id: int, code: str) -> Tag:
    """A visible tag by its enterprise-unique code (ingest resolves device channels so)."""
    try:
        return tags(actor).get(enterprise_id=enterprise_id, code=code)
    except Tag.DoesNotExist as error:
        raise NotFound(
            "tenancy.not_found",
            "no {what} with code {tag_code} is visible to you",
            what="tag",
            tag_code=code,
        ) from error


def diagrams(actor: Actor) -> QuerySet[CarbonFlowDiagram]:
    """Carbon-flow diagrams the actor sees."""
    return CarbonFlowDiagram.objects.visible_to(actor).select_related("line")


def diagram(actor: Actor, diagram_id: int) -> CarbonFlowDiagram:
    """One visible diagram."""
    return get_visible(diagrams(actor), diagram_id, "diagram")  # type: ignore[no-any-return]


def flow_nodes(actor: Actor, *, diagram_id: int | None = None) -> QuerySet[FlowNode]:
    """Nodes of visible diagrams."""
    result = FlowNode.objects.visible_to(actor)
    return result.filter(diagram_id=diagram_id) if diagram_id is not None else result


def flow_edges(actor: Actor, *, diagram_id: int | None = None) -> QuerySet[FlowEdge]:
    """Edges of visible diagrams, with their end nodes."""
    result = FlowEdge.objects.visible_to(actor).select_related("from_node", "to_node")
    return result.filter(diagram_id=diagram_id) if diagram_id is not None else result


def flow_node(actor: Actor, node_id: int) -> FlowNode:
    """One visible flow node."""
    return get_visible(flow_nodes(actor), node_id, "flow node")  # type: ignore[no-any-return]


def flow_edge(actor: Actor, edge_id: int) -> FlowEdge:
    """One visible flow edge (where an instrument is placed)."""
    return get_visible(flow_edges(actor), edge_id, "flow edge")  # type: ignore[no-any-return]


def lab_analyses(
    actor: Actor, *, line_id: int | None = None, material: str | None = None
) -> QuerySet[LabAnalysis]:
    """Lab analyses the actor sees (year-limited grants: sampled in their year)."""
    result = LabAnalysis.objects.visible_to(actor, dated_by="sampled_at")
    if line_id is not None:
        result = result.filter(line_id=line_id)
    return result.filter(material=material) if material is not None else result


def lab_analysis(actor: Actor, analysis_id: int) -> LabAnalysis:
    """One visible lab analysis."""
    return get_visible(lab_analyses(actor), analysis_id, "lab analysis")  # type: ignore[no-any-return]


def lab_results(
    actor: Actor, *, analysis_id: int | None = None, parameter: str | None = None
) -> QuerySet[LabResult]:
    """Lab results the actor sees, optionally of one analysis or parameter."""
    result = LabResult.objects.visible_to(actor, dated_by="analysis__sampled_at")
    if analysis_id is not None:
        result = result.filter(analysis_id=analysis_id)
    return result.filter(parameter=parameter) if parameter is not None else result


def lab_result(actor: Actor, result_id: int) -> LabResult:
    """One visible lab result."""
    return get_visible(lab_results(actor), result_id, "lab result")  # type: ignore[no-any-return]
