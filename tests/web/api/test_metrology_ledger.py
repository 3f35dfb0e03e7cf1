"""Instrument ledger writes over the API: every route audited, least privilege, tenant-tight."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tanji.metrology.models import Instrument, LedgerSnapshot, Review
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


def _instrument(env: Env, t: str) -> dict[str, object]:
    return {
        "enterprise_id": env.ent(t),
        "responsible_id": env.staff(),
        "code": "BS-9",
        "name_zh": "9号皮带秤",
        "instrument_type": "belt_scale",
        "range_min": 0,
        "range_max": 300,
        "range_unit": "t/h",
        "accuracy_class": "0.5",
        "installed_on": "2025-01-01",
        "location_id": env.world.tenants[t].edge.pk,
    }


def _inst_url(suffix: str = "") -> object:
    return lambda env, t: f"{BASE}/instruments/{env.world.instruments[t].pk}{suffix}"


def _xlsx(env: Env, t: str, content: bytes | None = None) -> dict[str, object]:
    from openpyxl import Workbook

    if content is None:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "台账"
        columns = ["code", "name_zh", "instrument_type", "range_min", "range_max", "range_unit"]
        columns += ["accuracy_class", "installed_on", "responsible"]
        sheet.append(columns)
        responsible = env.world.users["metering_staff"].username
        sheet.append(
            ["XL-1", "汽车衡", "truck_scale", 0, 100, "t", "0.1", "2025-02-01", responsible]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    return {"enterprise_id": env.ent(t), "file": SimpleUploadedFile("ledger.xlsx", content)}


def _fresh_snapshot(env: Env, t: str) -> int:
    """A snapshot not yet under review (the world's own one already is)."""
    rows: list[object] = []
    snap = LedgerSnapshot.objects.create(
        enterprise_id=env.ent(t), year=2025, rows=rows, changes={}, sha256="0" * 64
    )
    return snap.pk


CASES = [
    Case(
        "create",
        "post",
        lambda env, t: f"{BASE}/instruments",
        _instrument,
        ("metrology.instrument", "create"),
        lambda env, t: _instrument(env, t) | {"range_max": -1},
        "metrology.invalid_field",
        params={"field": "range_max", "reason": "bad_range"},
    ),
    Case(
        "update",
        "patch",
        _inst_url(),
        lambda env, t: {"name_zh": "改名的秤", "install_location": "窑头"},
        ("metrology.instrument", "update"),
        lambda env, t: {"accuracy_class": "0.7"},
        "metrology.invalid_field",
        params={"field": "accuracy_class"},
    ),
    Case(
        "retire",
        "post",
        _inst_url("/retire"),
        lambda env, t: {"retired_on": "2025-12-31"},
        ("metrology.instrument", "retire"),
        lambda env, t: {"retired_on": "2000-01-01"},
        "metrology.invalid_field",
        params={"field": "retired_on", "reason": "before_install"},
    ),
    Case(
        "move",
        "post",
        _inst_url("/move"),
        lambda env, t: {
            "on": "2025-06-01",
            "location_id": env.world.tenants[t].edge.pk,
            "install_location": "煤磨入口",
        },
        ("metrology.instrument", "move"),
        lambda env, t: {"on": "2025-06-01", "location_id": None, "install_location": "x" * 201},
        "metrology.invalid_field",
        params={"field": "install_location"},
    ),
    Case(
        "status",
        "post",
        _inst_url("/status"),
        lambda env, t: {"status": "maintenance", "on": "2025-06-01"},
        ("metrology.instrument", "set_status"),
        lambda env, t: {"status": "retired", "on": "2025-06-01"},
        "metrology.use_retire",
        params={"field": "status"},
    ),
    Case(
        "replace",
        "post",
        _inst_url("/replace"),
        lambda env, t: {"on": "2025-06-01", "code": "NEW-1", "serial_number": "SN-NEW"},
        ("metrology.instrument", "retire"),
        lambda env, t: {
            "on": "2025-06-01",
            "code": env.world.instruments[t].code,
            "serial_number": "SN-DUP",
        },
        "metrology.invalid_field",
        params={"field": "code"},
    ),
    Case(
        "link_tag",
        "post",
        _inst_url("/tags"),
        lambda env, t: {"tag_id": env.world.tenants[t].tag.pk},
        ("metrology.instrument", "link_tag"),
        lambda env, t: {"tag_id": env.world.tenants["C"].tag.pk},
        "tenancy.not_found",
        bad_status=404,
    ),
    Case(
        "unlink_tag",
        "delete",
        lambda env, t: (
            f"{BASE}/instruments/{env.world.instruments[t].pk}/tags/{env.world.tenants[t].tag.pk}"
        ),
        lambda env, t: {},
        ("metrology.instrument", "unlink_tag"),
        None,
        "",
    ),
    Case(
        "snapshot",
        "post",
        lambda env, t: f"{BASE}/ledger/snapshots",
        lambda env, t: {"enterprise_id": env.ent(t), "year": 2025},
        ("metrology.ledgersnapshot", "create"),
        lambda env, t: {"enterprise_id": env.ent(t), "year": 1990},
        "metrology.bad_year",
        params={"field": "year", "first": "2007"},
    ),
    Case(
        "submit",
        "post",
        lambda env, t: f"{BASE}/ledger/snapshots/{_fresh_snapshot(env, t)}/submit",
        lambda env, t: {},
        ("metrology.review", "review_submit"),
        None,
        "",
    ),
    Case(
        "import_xlsx",
        "post",
        lambda env, t: f"{BASE}/ledger/xlsx",
        _xlsx,
        ("metrology.instrument", "create"),
        lambda env, t: _xlsx(env, t, b"PK\x03\x04 not really a workbook"),
        "metrology.ledger_not_xlsx",
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


def test_history_lists_installed_moved_and_retired(client: Client, web_world: WebWorld) -> None:
    env = build_env(web_world)
    signed_in(client, web_world.users["metering_staff"])
    created = client.post(
        f"{BASE}/instruments", _instrument(env, "A"), content_type="application/json"
    ).json()
    url = f"{BASE}/instruments/{created['id']}"
    move = {"on": "2025-03-01", "location_id": None, "install_location": "库房"}
    client.post(f"{url}/move", move, content_type="application/json")
    client.post(f"{url}/retire", {"retired_on": "2025-09-30"}, content_type="application/json")
    events = client.get(f"{url}/events").json()
    assert [(e["kind"], e["on"]) for e in events] == [
        ("installed", "2025-01-01"),
        ("moved", "2025-03-01"),
        ("retired", "2025-09-30"),
    ]
    assert events[1]["detail"] == {"before": env.world.tenants["A"].edge.pk, "after": None}


def test_year_end_snapshot_lists_changes_and_is_submitted_once(
    client: Client, web_world: WebWorld
) -> None:
    env = build_env(web_world)
    signed_in(client, web_world.users["metering_staff"])
    year = timezone.localdate().year
    first = client.post(
        f"{BASE}/ledger/snapshots",
        {"enterprise_id": env.ent("A"), "year": year},
        content_type="application/json",
    ).json()
    client.post(f"{BASE}/instruments", _instrument(env, "A"), content_type="application/json")
    second = client.post(
        f"{BASE}/ledger/snapshots",
        {"enterprise_id": env.ent("A"), "year": year},
        content_type="application/json",
    ).json()
    assert first["changes"]["removed"] == []
    assert second["changes"] == {"added": ["BS-9"], "removed": [], "changed": {}}
    submitted = client.post(f"{BASE}/ledger/snapshots/{second['id']}/submit")
    assert submitted.status_code == 201, submitted.content
    assert submitted.json()["state"] == "submitted"
    again = client.post(f"{BASE}/ledger/snapshots/{second['id']}/submit")
    assert again.status_code == 400
    assert again.json()["code"] == "metrology.already_submitted"
    assert Review.objects.filter(payload__snapshot_id=second["id"]).count() == 1


def test_ledger_sheet_exports_and_reimports(client: Client, web_world: WebWorld) -> None:
    env = build_env(web_world)
    signed_in(client, web_world.users["metering_staff"])
    reply = client.get(f"{BASE}/ledger/xlsx", {"enterprise_id": env.ent("A"), "year": 2025})
    assert reply.status_code == 200
    rows = list(load_workbook(io.BytesIO(reply.content))["台账"].iter_rows(values_only=True))
    assert rows[1][0] == web_world.instruments["A"].code
    hidden = client.get(f"{BASE}/ledger/xlsx", {"enterprise_id": env.ent("B"), "year": 2025})
    assert hidden.status_code == 404
    imported = client.post(f"{BASE}/ledger/xlsx", _xlsx(env, "A"))
    assert imported.json() == {"created": 1, "updated": 0}
    assert Instrument.objects.get(code="XL-1").enterprise_id == env.ent("A")
