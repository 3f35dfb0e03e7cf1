"""Carbon-flow diagram edits over the API: nodes, flows, JSON and Excel import/export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from tanji.metrology import exchange
from tanji.plant.models import CarbonFlowDiagram, FlowEdge
from tanji.tenancy.actor import Actor
from tests.plant.factories import LineFactory
from tests.web.api.metrology_writes import (
    Case,
    Env,
    build_env,
    check_bad_input_is_coded,
    check_other_tenant_is_not_found,
    check_write_is_audited,
    check_wrong_role_is_refused,
)
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db

BASE = "/api/v1/metrology"
ADMIN = "enterprise_admin"
STAFF = "metering_staff"


def _free_line(env: Env, t: str) -> int:
    """A second line of the tenant, without a diagram yet (a line has at most one)."""
    return int(LineFactory(site=env.world.tenants[t].site).pk)


def _document(env: Env, t: str) -> dict[str, Any]:
    """The tenant's own diagram as exported, to be imported again as a new diagram."""
    document = exchange.export_diagram(Actor.system(), env.world.tenants[t].diagram.pk)
    for edge in document["edges"]:
        edge["instruments"] = []
    return document


def _xlsx_form(env: Env, t: str, content: bytes | None = None) -> dict[str, object]:
    if content is None:
        content = _export_xlsx(env, t)
    return {
        "line_id": _free_line(env, t),
        "file": SimpleUploadedFile("diagram.xlsx", content),
    }


def _export_xlsx(env: Env, t: str) -> bytes:
    from tanji.metrology import diagram_xlsx

    return diagram_xlsx.export_diagram_xlsx(Actor.system(), env.world.tenants[t].diagram.pk)


def _diagram_url(suffix: str) -> Any:
    return lambda env, t: f"{BASE}/diagrams/{env.world.tenants[t].diagram.pk}{suffix}"


def _edge(env: Env, t: str) -> dict[str, object]:
    edge = env.world.tenants[t].edge
    return {
        "key": "coal-bypass",
        "from_key": edge.from_node.key,
        "to_key": edge.to_node.key,
        "medium": "fuel",
        "name_zh": "旁路煤",
    }


CASES = [
    Case(
        "diagram_create",
        "post",
        lambda env, t: f"{BASE}/diagrams",
        lambda env, t: {"line_id": _free_line(env, t), "title": "二线碳流图"},
        ("plant.carbonflowdiagram", "create"),
        lambda env, t: {"line_id": _free_line(env, t), "title": "图" * 201},
        "plant.invalid_field",
        role=ADMIN,
        wrong_role=STAFF,
        params={"field": "title"},
    ),
    Case(
        "node_add",
        "post",
        _diagram_url("/nodes"),
        lambda env, t: {"key": "silo-2", "kind": "store", "name_zh": "生料库", "x": 40, "y": 10},
        ("plant.flownode", "create"),
        lambda env, t: {"key": "silo-2", "kind": "volcano", "name_zh": "生料库"},
        "plant.invalid_field",
        role=ADMIN,
        wrong_role=STAFF,
        params={"field": "kind"},
    ),
    Case(
        "node_move",
        "patch",
        lambda env, t: f"{BASE}/diagram-nodes/{env.world.tenants[t].edge.from_node_id}",
        lambda env, t: {"x": 120.5, "y": 80.0},
        ("plant.flownode", "update"),
        lambda env, t: {"key": "not a slug!"},
        "plant.invalid_field",
        role=ADMIN,
        wrong_role=STAFF,
        params={"field": "key"},
    ),
    Case(
        "edge_add",
        "post",
        _diagram_url("/edges"),
        _edge,
        ("plant.flowedge", "create"),
        lambda env, t: _edge(env, t) | {"to_key": "nowhere"},
        "plant.unknown_node",
        role=ADMIN,
        wrong_role=STAFF,
        params={"role": "to_key", "key": "nowhere"},
    ),
    Case(
        "edge_update",
        "patch",
        lambda env, t: f"{BASE}/diagram-edges/{env.world.tenants[t].edge.pk}",
        lambda env, t: {"name_zh": "入窑煤粉"},
        ("plant.flowedge", "update"),
        lambda env, t: {"medium": "plasma"},
        "plant.invalid_field",
        role=ADMIN,
        wrong_role=STAFF,
        params={"field": "medium"},
    ),
    Case(
        "edge_remove",
        "delete",
        lambda env, t: f"{BASE}/diagram-edges/{env.world.tenants[t].edge.pk}",
        lambda env, t: {},
        ("plant.flowedge", "delete"),
        None,
        "",
        role=ADMIN,
        wrong_role=STAFF,
    ),
    Case(
        "import_json",
        "post",
        lambda env, t: f"{BASE}/diagrams/import",
        lambda env, t: {"line_id": _free_line(env, t), "document": _document(env, t)},
        ("plant.carbonflowdiagram", "create"),
        lambda env, t: {
            "line_id": _free_line(env, t),
            "document": _document(env, t) | {"edges": [{"key": "e"}]},
        },
        "metrology.diagram_format",
        role=ADMIN,
        wrong_role=STAFF,
        params={"path": "edges[0].from"},
    ),
    Case(
        "import_xlsx",
        "post",
        lambda env, t: f"{BASE}/diagrams/import-xlsx",
        _xlsx_form,
        ("plant.carbonflowdiagram", "create"),
        lambda env, t: _xlsx_form(env, t, b"not a workbook"),
        "metrology.diagram_not_xlsx",
        role=ADMIN,
        wrong_role=STAFF,
        multipart=True,
    ),
]
IDS = [c.name for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_write_succeeds_and_is_audited(client: Client, web_world: WebWorld, case: Case) -> None:
    check_write_is_audited(client, web_world, case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_wrong_role_is_refused(client: Client, web_world: WebWorld, case: Case) -> None:
    check_wrong_role_is_refused(client, web_world, case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_other_tenant_is_not_found(client: Client, web_world: WebWorld, case: Case) -> None:
    check_other_tenant_is_not_found(client, web_world, case)


@pytest.mark.parametrize("case", [c for c in CASES if c.bad], ids=[c.name for c in CASES if c.bad])
def test_bad_input_gets_its_coded_error(client: Client, web_world: WebWorld, case: Case) -> None:
    check_bad_input_is_coded(client, web_world, case)


def test_engineer_places_an_instrument_and_the_export_shows_it(
    client: Client, web_world: WebWorld
) -> None:
    build_env(web_world)
    tenant = web_world.tenants["A"]
    signed_in(client, web_world.users[STAFF])
    instrument = web_world.instruments["A"]
    move = {"on": "2025-05-01", "location_id": tenant.edge.pk, "install_location": "煤磨"}
    placed = client.post(
        f"{BASE}/instruments/{instrument.pk}/move", move, content_type="application/json"
    )
    assert placed.status_code == 200, placed.content
    document = client.get(f"{BASE}/diagrams/{tenant.diagram.pk}/export").json()
    [edge] = [e for e in document["edges"] if e["key"] == tenant.edge.key]
    assert edge["instruments"] == [instrument.code]
    workbook = client.get(f"{BASE}/diagrams/{tenant.diagram.pk}/xlsx")
    flows = list(load_workbook(io.BytesIO(workbook.content))["流"].iter_rows(values_only=True))
    assert flows[1][flows[0].index("instruments")] == instrument.code


def test_sheet_import_names_the_faulty_row(client: Client, web_world: WebWorld) -> None:
    env = build_env(web_world)
    book = load_workbook(io.BytesIO(_export_xlsx(env, "A")))
    book["流"].cell(row=2, column=3, value="no-such-node")  # column 3 is "to"
    buffer = io.BytesIO()
    book.save(buffer)
    signed_in(client, web_world.users[ADMIN])
    before = CarbonFlowDiagram.objects.count()
    reply = client.post(f"{BASE}/diagrams/import-xlsx", _xlsx_form(env, "A", buffer.getvalue()))
    assert reply.status_code == 400
    assert reply.json()["code"] == "metrology.diagram_cell"
    assert reply.json()["params"] | {"got": ""} == {
        "sheet": "流",
        "row": "2",
        "column": "to",
        "expected": "a node key",
        "got": "",
    }
    assert CarbonFlowDiagram.objects.count() == before
    good = client.post(f"{BASE}/diagrams/import-xlsx", _xlsx_form(env, "A"))
    assert good.status_code == 201, good.content
    copied = FlowEdge.objects.filter(diagram_id=good.json()["id"])
    assert [e.key for e in copied] == [web_world.tenants["A"].edge.key]
