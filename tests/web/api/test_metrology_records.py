"""Plans, personnel, reviewer qualifications, QC and responses over the API, route by route."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tanji.metrology.models import (
    Certificate,
    PersonnelDocument,
    Review,
    ReviewerQualification,
)
from tests.metrology.factories import (
    MINIMAL_PDF,
    BodyFactory,
    InstrumentFactory,
    StandardFactory,
)
from tests.metrology.test_qc import CEMS, REFERENCE
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


def _new_instrument(env: Env, t: str) -> int:
    """A belt scale without a plan (JJG 195: at most 12 months)."""
    instrument = InstrumentFactory(
        enterprise=env.world.tenants[t].enterprise,
        responsible=env.world.instruments[t].responsible,
        instrument_type="belt_scale",
        accuracy_class="0.5",
    )
    return int(instrument.pk)


def _personnel(env: Env, t: str) -> dict[str, object]:
    return {
        "enterprise_id": env.ent(t),
        "person_id": env.world.instruments[t].responsible_id,
        "kind": "exam",
        "title": "计量员考核",
        "issued_on": "2025-04-01",
        "score": "86",
        "file": SimpleUploadedFile("exam.pdf", MINIMAL_PDF, content_type="application/pdf"),
    }


def _qc(env: Env, t: str) -> dict[str, object]:
    return {"enterprise_id": env.ent(t), "performed_on": "2025-06-01"}


def _reviewer(env: Env, t: str) -> dict[str, object]:
    reviewer = env.world.users["metrology_reviewer"]
    return {
        "province_id": env.world.tenants["A"].enterprise.province_id,
        "person_id": reviewer.pk,
        "number": "SC-2025-1",
        "issued_on": "2025-01-01",
        "valid_until": "2027-12-31",
    }


def _finding(env: Env, t: str) -> dict[str, object]:
    return {"responses": {str(env.m[t].finding.pk): "已补录安装位置"}}


CASES = [
    Case(
        "plan_create",
        "post",
        lambda env, t: f"{BASE}/plans",
        lambda env, t: {"instrument_id": _new_instrument(env, t), "first_due_on": "2026-03-01"},
        ("metrology.calibrationplan", "create"),
        lambda env, t: {
            "instrument_id": _new_instrument(env, t),
            "first_due_on": "2026-03-01",
            "period_months": 24,
        },
        "metrology.period_exceeds_regulation",
        params={"field": "period_months", "limit": "12", "months": "24"},
    ),
    Case(
        "plan_update",
        "patch",
        lambda env, t: f"{BASE}/plans/{env.m[t].plan.pk}",
        lambda env, t: {"period_months": 6},
        ("metrology.calibrationplan", "update"),
        lambda env, t: {"period_months": 99},
        "metrology.period_exceeds_regulation",
        params={"field": "period_months", "months": "99"},
    ),
    Case(
        "plan_retire",
        "post",
        lambda env, t: f"{BASE}/plans/{env.m[t].plan.pk}/retire",
        lambda env, t: {"retired_on": "2025-12-31"},
        ("metrology.calibrationplan", "retire"),
        lambda env, t: {"retired_on": "2001-01-01"},
        "metrology.before_install",
        params={"field": "retired_on"},
    ),
    Case(
        "personnel_add",
        "post",
        lambda env, t: f"{BASE}/personnel",
        _personnel,
        ("metrology.personneldocument", "create"),
        lambda env, t: _personnel(env, t) | {"score": "120"},
        "metrology.invalid_field",
        params={"field": "score", "reason": "required"},
        multipart=True,
    ),
    Case(
        "personnel_update",
        "patch",
        lambda env, t: f"{BASE}/personnel/{env.m[t].document.pk}",
        lambda env, t: {"valid_until": "2028-12-31"},
        ("metrology.personneldocument", "update"),
        lambda env, t: {"valid_until": "2020-01-01"},
        "metrology.invalid_field",
        params={"field": "valid_until", "reason": "before_issue"},
    ),
    Case(
        "reference_material",
        "post",
        lambda env, t: f"{BASE}/qc/reference-material",
        lambda env, t: (
            _qc(env, t)
            | {
                "material": "GBW 11104 煤",
                "measured": 25.31,
                "u_measured": 0.12,
                "certified": 25.10,
                "u_certified": 0.08,
            }
        ),
        ("metrology.qcrecord", "create"),
        lambda env, t: (
            _qc(env, t)
            | {"material": "x", "measured": 1, "u_measured": 0, "certified": 1, "u_certified": 0}
        ),
        "metrology.qc_input",
        params={"field": "u_measured"},
    ),
    Case(
        "cems_rata",
        "post",
        lambda env, t: f"{BASE}/qc/cems-rata",
        lambda env, t: _qc(env, t) | {"cems": CEMS, "reference": REFERENCE},
        ("metrology.qcrecord", "create"),
        lambda env, t: _qc(env, t) | {"cems": CEMS[:8], "reference": REFERENCE[:8]},
        "metrology.qc_input",
        params={"field": "pairs", "n": "8"},
    ),
    Case(
        "cross_meter",
        "post",
        lambda env, t: f"{BASE}/qc/cross-meter",
        lambda env, t: _qc(env, t) | {"main": 1000.0, "parts": [480.0, 310.0, 205.0]},
        ("metrology.qcrecord", "create"),
        lambda env, t: _qc(env, t) | {"main": 0.0, "parts": [1.0]},
        "metrology.qc_input",
        params={"field": "main"},
    ),
    Case(
        "respond",
        "post",
        lambda env, t: f"{BASE}/reviews/{env.m[t].review.pk}/responses",
        _finding,
        ("metrology.reviewfinding", "respond"),
        lambda env, t: {"responses": {str(env.m[t].finding.pk): "  "}},
        "metrology.responses_required",
        params={"field": "responses"},
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


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bad_input_gets_its_coded_error(client: Client, web_world: WebWorld, case: Case) -> None:
    check_bad_input_is_coded(client, web_world, case)


def test_reviewer_qualification_is_filed_by_the_operator_only(
    client: Client, web_world: WebWorld
) -> None:
    env = build_env(web_world)
    url = f"{BASE}/reviewer-qualifications"
    payload = _reviewer(env, "A")
    signed_in(client, web_world.users["metrology_reviewer"])
    refused = client.post(url, payload, content_type="application/json")
    assert refused.status_code == 403
    signed_in(client, web_world.users["platform_operator"])
    filed = client.post(url, payload, content_type="application/json")
    assert filed.status_code == 201, filed.content
    assert ReviewerQualification.objects.filter(number="SC-2025-1").exists()
    stranger = payload | {"person_id": web_world.users["viewer"].pk}
    bad = client.post(url, stranger, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "metrology.person_not_reviewer"


def test_unqualified_signers_are_refused_with_the_scope(
    client: Client, web_world: WebWorld
) -> None:
    env = build_env(web_world)
    PersonnelDocument.objects.filter(scope="qc").update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    signed_in(client, web_world.users["metering_staff"])
    payload = _qc(env, "A") | {"main": 1000.0, "parts": [999.0]}
    reply = client.post(f"{BASE}/qc/cross-meter", payload, content_type="application/json")
    assert reply.status_code == 403
    assert reply.json()["code"] == "metrology.not_qualified"
    assert reply.json()["params"]["scope"] == "qc"
    ReviewerQualification.objects.update(valid_until=timezone.localdate() - timedelta(days=1))
    Review.objects.filter(pk=env.m["A"].review.pk).update(state="submitted")
    signed_in(client, web_world.users["metrology_reviewer"])
    decision = {"action": "approve"}
    url = f"{BASE}/reviews/{env.m['A'].review.pk}/transitions"
    refused = client.post(url, decision, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "metrology.reviewer_not_qualified"


def test_certificate_without_a_due_date_gets_the_plans_period(
    client: Client, web_world: WebWorld
) -> None:
    env = build_env(web_world)
    signed_in(client, web_world.users["metering_staff"])
    instrument = _new_instrument(env, "A")
    plan = {"instrument_id": instrument, "first_due_on": "2026-03-01", "period_months": 6}
    assert client.post(f"{BASE}/plans", plan, content_type="application/json").status_code == 201
    body = BodyFactory(enterprise=web_world.tenants["A"].enterprise)
    standard = StandardFactory(body=body, enterprise=body.enterprise)
    calibrated = timezone.localdate() - timedelta(days=3)
    form = {
        "instrument_id": instrument,
        "number": "JD-AUTO-1",
        "calibrated_on": calibrated.isoformat(),
        "body_id": body.pk,
        "standard_id": standard.pk,
        "method": "JJG 195-2019",
        "result": "pass",
        "file": SimpleUploadedFile("c.pdf", MINIMAL_PDF, content_type="application/pdf"),
    }
    reply = client.post(f"{BASE}/certificates", form)
    assert reply.status_code == 201, reply.content
    stored = Certificate.objects.get(number="JD-AUTO-1")
    month = calibrated.month + 6
    expected = calibrated.replace(
        year=calibrated.year + (month - 1) // 12, month=(month - 1) % 12 + 1
    )
    assert stored.next_due_on == expected


def test_review_detail_shows_findings_and_answers(client: Client, web_world: WebWorld) -> None:
    env = build_env(web_world)
    signed_in(client, web_world.users["metering_staff"])
    url = f"{BASE}/reviews/{env.m['A'].review.pk}"
    client.post(f"{url}/responses", _finding(env, "A"), content_type="application/json")
    detail = client.get(url).json()
    assert detail["state"] == "responded"
    assert [f["response"] for f in detail["findings"]] == ["已补录安装位置"]
    assert [(e["from_state"], e["to_state"]) for e in detail["events"]] == [
        ("returned", "responded")
    ]
