"""The REST API: token and session auth, pagination, errors, and tenant isolation per route."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tanji.metrology.models import LedgerSnapshot, Review
from tanji.tenancy import services
from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials import services as credentials
from tanji.web.api.schema import openapi_text
from tests.evidence.factories import make_device
from tests.metrology.factories import CertificateFactory, PlanFactory
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db

OPENAPI = Path(__file__).resolve().parents[2] / "docs/reference/openapi.json"

#: Every route with an object id in its path → the id of tenant ``n``'s object.
OBJECT_IDS: dict[str, Callable[[WebWorld, str], int | str]] = {
    "/api/v1/tenancy/enterprises/{enterprise_id}": lambda w, n: w.tenants[n].enterprise.pk,
    "/api/v1/tenancy/users/{user_id}": lambda w, n: w.instruments[n].responsible_id,
    "/api/v1/plant/sites/{site_id}": lambda w, n: w.tenants[n].site.pk,
    "/api/v1/plant/lines/{line_id}": lambda w, n: w.tenants[n].line.pk,
    "/api/v1/plant/sources/{source_id}": lambda w, n: w.tenants[n].source.pk,
    "/api/v1/plant/tags/{tag_id}": lambda w, n: w.tenants[n].tag.pk,
    "/api/v1/plant/lab-analyses/{analysis_id}": lambda w, n: w.tenants[n].analysis.pk,
    "/api/v1/metrology/instruments/{instrument_id}": lambda w, n: w.instruments[n].pk,
    "/api/v1/metrology/certificates/{certificate_id}/traceability": lambda w, n: (
        CertificateFactory(instrument=w.instruments[n]).pk
    ),
    "/api/v1/metrology/instruments/{instrument_id}/events": lambda w, n: w.instruments[n].pk,
    "/api/v1/metrology/plans/{plan_id}": lambda w, n: PlanFactory(instrument=w.instruments[n]).pk,
    "/api/v1/metrology/ledger/snapshots/{snapshot_id}": lambda w, n: _snapshot(w, n).pk,
    "/api/v1/metrology/reviews/{review_id}": lambda w, n: (
        Review.objects.create(
            enterprise=w.tenants[n].enterprise, kind="data_package", title="t", period="2025-01"
        ).pk
    ),
    "/api/v1/metrology/diagrams/{diagram_id}/export": lambda w, n: w.tenants[n].diagram.pk,
    "/api/v1/metrology/diagrams/{diagram_id}/xlsx": lambda w, n: w.tenants[n].diagram.pk,
    "/api/v1/terminals/{device}/instruments": lambda w, n: (
        make_device(w.tenants[n].enterprise, f"T-ISO-{n}-{w.tenants[n].enterprise.pk}").device_id
    ),
}


def _snapshot(world: WebWorld, tenant: str) -> LedgerSnapshot:
    return LedgerSnapshot.objects.create(
        enterprise=world.tenants[tenant].enterprise, year=2025, rows=[], changes={}, sha256="0"
    )


def _paths() -> dict[str, dict[str, object]]:
    """GET routes whose only required parameters are in the path (the generic tests' subjects).

    Routes needing query parameters (time windows …) are tested by their context's own tests.
    """
    paths = json.loads(openapi_text())["paths"]
    result = {}
    for path, methods in paths.items():
        get = methods.get("get")
        if get is None or not get.get("security"):
            continue  # device-signed or public routes (terminals, log proofs) have no tenant
        required = [p for p in get.get("parameters", []) if p.get("required")]
        if all(p["in"] == "path" for p in required):
            result[path] = methods
    return result


def _url(template: str, pk: int | str) -> str:
    return re.sub(r"\{\w+\}", str(pk), template)


def test_committed_openapi_document_equals_the_generated_one() -> None:
    assert OPENAPI.read_text(encoding="utf-8") == openapi_text(), "run: tanji manage openapi"


def test_every_object_route_is_in_the_isolation_table() -> None:
    with_ids = {path for path in _paths() if "{" in path}
    assert with_ids == set(OBJECT_IDS)


@pytest.mark.parametrize("route", sorted(OBJECT_IDS))
def test_enterprise_user_gets_404_for_another_enterprise(
    client: Client, web_world: WebWorld, route: str
) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    own = client.get(_url(route, OBJECT_IDS[route](web_world, "A")))
    assert own.status_code == 200, own.content
    for other in ("B", "C"):
        reply = client.get(_url(route, OBJECT_IDS[route](web_world, other)))
        assert reply.status_code == 404
        assert reply.json()["code"] == "tenancy.not_found"


@pytest.mark.parametrize("route", sorted(p for p in _paths() if "{" not in p))
def test_list_routes_show_only_visible_enterprises(
    client: Client, web_world: WebWorld, route: str
) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    reply = client.get(route)
    assert reply.status_code == 200
    body = reply.json()
    items = body if isinstance(body, list) else body.get("items", [body])
    own = web_world.tenants["A"].enterprise.pk
    for item in items:
        if "enterprise" in item:
            assert item["enterprise"] == own
        if route.endswith("/enterprises"):
            assert item["id"] == own


def test_anonymous_caller_is_refused(client: Client, web_world: WebWorld) -> None:
    assert client.get("/api/v1/plant/sites").status_code == 401


def test_bearer_token_authenticates_and_revocation_ends_it(web_world: WebWorld) -> None:
    user = web_world.users["lab_staff"]
    token, secret = credentials.issue_token(Actor.for_user(user), "lims")
    client = Client()
    reply = client.get("/api/v1/tenancy/me", headers={"Authorization": f"Bearer {secret}"})
    assert reply.json()["username"] == user.username
    credentials.revoke_token(Actor.for_user(user), token.pk)
    reply = client.get("/api/v1/tenancy/me", headers={"Authorization": f"Bearer {secret}"})
    assert reply.status_code == 401
    assert (
        client.get("/api/v1/tenancy/me", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )


def test_lists_paginate(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["platform_operator"])
    body = client.get("/api/v1/tenancy/enterprises?limit=2&offset=0").json()
    assert body["count"] == 3
    assert len(body["items"]) == 2


def test_filter_by_unknown_boundary_is_a_translated_400(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["viewer"])
    reply = client.get("/api/v1/plant/sources?boundary=galaxy")
    assert reply.status_code == 400
    assert reply.json()["code"] == "plant.unknown_boundary"
    assert "熟料" in reply.json()["message"]


def test_viewer_may_not_create_a_site(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["viewer"])
    enterprise = web_world.tenants["A"].enterprise.pk
    payload = {"enterprise_id": enterprise, "code": "S9", "name_zh": "新厂区"}
    reply = client.post("/api/v1/plant/sites", payload, content_type="application/json")
    assert reply.status_code == 403
    assert reply.json()["code"] == "tenancy.access_denied"


def test_admin_creates_a_site_and_it_is_audited(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users["enterprise_admin"])
    enterprise = web_world.tenants["A"].enterprise.pk
    payload = {"enterprise_id": enterprise, "code": "S9", "name_zh": "新厂区"}
    reply = client.post("/api/v1/plant/sites", payload, content_type="application/json")
    assert reply.status_code == 201
    audit = client.get("/info/audit/?q=新厂区")
    assert "plant.site" in audit.content.decode()


def test_lab_analysis_posted_with_a_bad_unit_names_the_row(
    client: Client, web_world: WebWorld
) -> None:
    signed_in(client, web_world.users["lab_staff"])
    payload = {
        "enterprise_id": web_world.tenants["A"].enterprise.pk,
        "sample_id": "C-1",
        "material": "coal",
        "sampled_at": "2025-03-01T08:00:00+08:00",
        "analysed_at": "2025-03-01T12:00:00+08:00",
        "method_standard": "GB/T 213",
        "results": [{"parameter": "ncv", "value": 22.1, "unit": "kcal"}],
    }
    reply = client.post("/api/v1/plant/lab-analyses", payload, content_type="application/json")
    assert reply.status_code == 400
    assert reply.json()["params"]["row"] == "1"


def _operations() -> list[tuple[str, object]]:
    from tanji.web.api.site import api

    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                found.append((f"{prefix}{path}", operation))
    return found


def test_every_api_operation_declares_its_action() -> None:
    operations = _operations()
    assert len(operations) >= 15
    missing = [
        path
        for path, operation in operations
        if operation.auth_callbacks and not hasattr(operation.view_func, "required_action")
    ]
    assert missing == []


def test_user_without_any_role_is_refused_by_every_read(client: Client, db: None) -> None:
    from tests.tenancy.factories import UserFactory

    signed_in(client, UserFactory())
    for path in _paths():
        if "{" not in path:
            assert client.get(path).status_code == 403, path


def test_audit_api_is_for_roles_that_view_the_audit_trail(
    client: Client, web_world: WebWorld
) -> None:
    for tenant in ("A", "C"):
        enterprise = web_world.tenants[tenant].enterprise
        services.update_enterprise(Actor.system(), enterprise.pk, address=f"地址{tenant}")
    signed_in(client, web_world.users["viewer"])
    assert client.get("/api/v1/tenancy/audit").status_code == 403
    signed_in(client, web_world.users["regulator"])
    items = client.get("/api/v1/tenancy/audit?action=update").json()["items"]
    assert [item["enterprise"] for item in items] == [web_world.tenants["A"].enterprise.pk]
