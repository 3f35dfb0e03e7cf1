"""API of the carbon-flow diagram (R7.1.1): edits, placements, JSON and Excel exchange.

Nodes and flows are plant data (``edit_plant``); an instrument's placement on a flow is ledger
data (``edit_instruments``, the ``move`` route of :mod:`metrology_ledger`). Export and import
name everything by key or code, so a diagram moves between installations; an import creates a
new diagram of the line and places the named instruments on its flows.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Body, File, Form, ModelSchema, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from tanji.metrology import diagram_xlsx, exchange
from tanji.plant import diagrams, queries as plant_queries
from tanji.plant.models import CarbonFlowDiagram, FlowEdge, FlowNode
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, api_requires
from tanji.web.api.metrology_ledger import XLSX

router = Router(tags=["metrology"])


class DiagramOut(ModelSchema):
    """A line's carbon-flow diagram."""

    class Meta:
        model = CarbonFlowDiagram
        fields = ["id", "enterprise", "line", "title", "notes"]


class DiagramCreate(Schema):
    """A new, empty diagram of a line."""

    line_id: int
    title: str
    notes: str = ""


class NodeOut(ModelSchema):
    """A process unit, store or feeder, with its place on the drawing."""

    class Meta:
        model = FlowNode
        fields = ["id", "enterprise", "diagram", "key", "kind", "name_zh", "name_en", "x", "y"]


class NodeFields(Schema):
    """Node fields; all optional when changing a node."""

    key: str | None = None
    kind: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    x: float | None = None
    y: float | None = None


class NodeCreate(NodeFields):
    """A new node: key, kind and Chinese name are required."""

    key: str
    kind: str
    name_zh: str


class EdgeOut(ModelSchema):
    """A flow between two nodes."""

    class Meta:
        model = FlowEdge
        fields = [
            "id",
            "enterprise",
            "diagram",
            "key",
            "from_node",
            "to_node",
            "medium",
            "name_zh",
            "name_en",
        ]


class EdgeCreate(Schema):
    """A new flow from node key to node key, and the emission sources it feeds."""

    key: str
    from_key: str
    to_key: str
    medium: str
    name_zh: str
    name_en: str = ""
    feeds: list[int] = []


class EdgeUpdate(Schema):
    """Renaming a flow or changing its medium."""

    key: str | None = None
    medium: str | None = None
    name_zh: str | None = None
    name_en: str | None = None


class ImportIn(Schema):
    """A line and a diagram document of format ``tanji.carbon-flow-diagram/1``."""

    line_id: int
    document: dict[str, Any]


@router.get("/diagrams", response=list[DiagramOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_diagrams(request: HttpRequest) -> QuerySet[CarbonFlowDiagram]:
    """Diagrams of the visible lines."""
    return plant_queries.diagrams(actor_of(request)).order_by("id")


@router.post("/diagrams", response={201: DiagramOut})
@api_requires(Action.EDIT_PLANT)
def create_diagram(request: HttpRequest, payload: DiagramCreate) -> Status[Any]:
    """Create an empty diagram for a line."""
    return Status(201, diagrams.create_diagram(actor_of(request), **payload.dict()))


@router.post("/diagrams/{diagram_id}/nodes", response={201: NodeOut})
@api_requires(Action.EDIT_PLANT)
def add_node(request: HttpRequest, diagram_id: int, payload: NodeCreate) -> Status[Any]:
    """Add a node to the diagram."""
    fields = payload.dict(exclude_unset=True)
    return Status(201, diagrams.add_node(actor_of(request), diagram_id=diagram_id, **fields))


@router.patch("/diagram-nodes/{node_id}", response=NodeOut)
@api_requires(Action.EDIT_PLANT)
def update_node(request: HttpRequest, node_id: int, payload: NodeFields) -> FlowNode:
    """Rename or move a node."""
    return diagrams.update_node(actor_of(request), node_id, **payload.dict(exclude_unset=True))


@router.post("/diagrams/{diagram_id}/edges", response={201: EdgeOut})
@api_requires(Action.EDIT_PLANT)
def add_edge(request: HttpRequest, diagram_id: int, payload: EdgeCreate) -> Status[Any]:
    """Add a flow between two nodes of the diagram."""
    edge = diagrams.add_edge(actor_of(request), diagram_id=diagram_id, **payload.dict())
    return Status(201, edge)


@router.patch("/diagram-edges/{edge_id}", response=EdgeOut)
@api_requires(Action.EDIT_PLANT)
def update_edge(request: HttpRequest, edge_id: int, payload: EdgeUpdate) -> FlowEdge:
    """Rename a flow or change its medium."""
    return diagrams.update_edge(actor_of(request), edge_id, **payload.dict(exclude_unset=True))


@router.delete("/diagram-edges/{edge_id}", response={204: None})
@api_requires(Action.EDIT_PLANT)
def remove_edge(request: HttpRequest, edge_id: int) -> Status[None]:
    """Delete a flow; instruments on it become unplaced."""
    diagrams.remove_edge(actor_of(request), edge_id)
    return Status(204, None)


@router.get("/diagrams/{diagram_id}/export", response=dict[str, Any])
@api_requires(Action.VIEW)
def export_json(request: HttpRequest, diagram_id: int) -> dict[str, Any]:
    """The diagram as a JSON document with the instruments placed on each flow."""
    return exchange.export_diagram(actor_of(request), diagram_id)


@router.post("/diagrams/import", response={201: DiagramOut})
@api_requires(Action.EDIT_PLANT)
def import_json(request: HttpRequest, payload: Body[ImportIn]) -> Status[Any]:
    """Create a line's diagram from a JSON document (the first fault is named by its path)."""
    diagram = exchange.import_diagram(actor_of(request), payload.line_id, payload.document)
    return Status(201, diagram)


@router.get("/diagrams/{diagram_id}/xlsx")
@api_requires(Action.VIEW)
def export_xlsx(request: HttpRequest, diagram_id: int) -> HttpResponse:
    """The diagram as an Excel workbook (sheets 图, 节点, 流)."""
    body = diagram_xlsx.export_diagram_xlsx(actor_of(request), diagram_id)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="diagram-{diagram_id}.xlsx"'
    return response


@router.post("/diagrams/import-xlsx", response={201: DiagramOut})
@api_requires(Action.EDIT_PLANT)
def import_xlsx(request: HttpRequest, line_id: Form[int], file: File[UploadedFile]) -> Status[Any]:
    """Create a line's diagram from a workbook (a fault is named by sheet, row and column)."""
    diagram = diagram_xlsx.import_diagram_xlsx(actor_of(request), line_id, file.read())
    return Status(201, diagram)
