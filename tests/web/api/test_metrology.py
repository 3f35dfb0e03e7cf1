"""Metrology over the API: plans, due list, certificates and upload, chain, reviews, compliance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tanji.metrology.models import Certificate, PersonnelDocument
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import AuditEntry, Enterprise, User
from tests.metrology.factories import (
    MINIMAL_PDF,
    BodyFactory,
    StandardFactory,
    build_metrology,
    qualify_reviewer,
)
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db


def _qualify(user: User, enterprise: Enterprise) -> User:
    """Give ``user`` the appointment and the qualifications a signer needs (R7.1.5)."""
    start = timezone.localdate() - timedelta(days=30)
    PersonnelDocument.objects.create(
        enterprise=enterprise, person=user, kind="appointment", title="任命", issued_on=start
    )
    for scope in ("ledger", "calibration", "data"):
        PersonnelDocument.objects.create(
            enterprise=enterprise,
            person=user,
            kind="qualification",
            title=scope,
            scope=scope,
            issued_on=start,
        )
    return user


def _certificate_form(world: WebWorld, content: bytes, name: str) -> dict[str, object]:
    enterprise = world.tenants["A"].enterprise
    body = BodyFactory(enterprise=enterprise)
    standard = StandardFactory(body=body, enterprise=enterprise)
    today = timezone.localdate()
    return {
        "instrument_id": world.instruments["A"].pk,
        "number": "JD-API-1",
        "calibrated_on": (today - timedelta(days=10)).isoformat(),
        "body_id": body.pk,
        "standard_id": standard.pk,
        "method": "JJG 195-2019",
        "result": "pass",
        "next_due_on": (today + timedelta(days=355)).isoformat(),
        "expanded_u": "0.25",
        "coverage_k": "2",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
    }


def test_lists_show_the_callers_enterprise_only(client: Client, web_world: WebWorld) -> None:
    own = build_metrology(web_world.instruments["A"])
    build_metrology(web_world.instruments["B"])
    signed_in(client, web_world.users[RoleChoices.ENTERPRISE_ADMIN])
    certs = client.get("/api/v1/metrology/certificates").json()["items"]
    assert [c["id"] for c in certs] == [own.certificate.pk]
    plans = client.get("/api/v1/metrology/plans").json()["items"]
    assert [p["id"] for p in plans] == [own.plan.pk]
    people = client.get("/api/v1/metrology/personnel").json()["items"]
    assert [p["id"] for p in people] == [own.document.pk]
    drafts = client.get("/api/v1/metrology/reviews", {"state": "draft"}).json()["items"]
    assert [r["id"] for r in drafts] == [own.review.pk]


def test_due_list_marks_an_overdue_instrument(client: Client, web_world: WebWorld) -> None:
    build_metrology(web_world.instruments["A"])  # certificate next due 2026-01-10
    signed_in(client, web_world.users[RoleChoices.VIEWER])
    due = client.get("/api/v1/metrology/due", {"at": "2026-02-01"}).json()["items"]
    assert [(d["code"], d["state"], d["days_left"]) for d in due] == [
        (web_world.instruments["A"].code, "overdue", -22)
    ]
    bad = client.get("/api/v1/metrology/due", {"within_days": -1})
    assert bad.status_code == 400
    assert bad.json()["code"] == "metrology.bad_window"


def test_traceability_chain_reaches_the_national_standard(
    client: Client, web_world: WebWorld
) -> None:
    cert = build_metrology(web_world.instruments["A"]).certificate
    signed_in(client, web_world.users[RoleChoices.VIEWER])
    chain = client.get(f"/api/v1/metrology/certificates/{cert.pk}/traceability").json()
    assert chain["complete"] is True
    assert [link["kind"] for link in chain["links"]] == [
        "certificate",
        "body",
        "standard",
        "national",
    ]


def test_compliance_of_own_enterprise_and_404_for_another(
    client: Client, web_world: WebWorld
) -> None:
    build_metrology(web_world.instruments["A"])
    signed_in(client, web_world.users[RoleChoices.ENTERPRISE_ADMIN])
    own = web_world.tenants["A"].enterprise.pk
    table = client.get("/api/v1/metrology/compliance", {"enterprise_id": own}).json()
    assert table["enterprise_id"] == own
    assert table["rule_version"]
    assert {r["energy_kind"] for r in table["rates"]} >= {"coal"}
    other = web_world.tenants["B"].enterprise.pk
    hidden = client.get("/api/v1/metrology/compliance", {"enterprise_id": other})
    assert hidden.status_code == 404


def test_tag_status_leaves_out_other_enterprises_tags(client: Client, web_world: WebWorld) -> None:
    own, other = web_world.tenants["A"].tag, web_world.tenants["B"].tag
    web_world.instruments["A"].tags.add(own)
    build_metrology(web_world.instruments["A"])
    signed_in(client, web_world.users[RoleChoices.VIEWER])
    reply = client.get(
        "/api/v1/metrology/tag-status", {"tag_ids": [own.pk, other.pk], "at": "2026-02-01"}
    )
    assert reply.status_code == 200, reply.content
    assert [(s["tag_id"], s["state"]) for s in reply.json()] == [(own.pk, "overdue")]


def test_qualified_staff_uploads_a_certificate(client: Client, web_world: WebWorld) -> None:
    enterprise = web_world.tenants["A"].enterprise
    staff = _qualify(web_world.users[RoleChoices.METERING_STAFF], enterprise)
    signed_in(client, staff)
    form = _certificate_form(web_world, MINIMAL_PDF, "JD-API-1.pdf")
    reply = client.post("/api/v1/metrology/certificates", form)
    assert reply.status_code == 201, reply.content
    stored = Certificate.objects.get(pk=reply.json()["id"])
    assert stored.number == "JD-API-1"
    assert stored.signed_by_id == staff.pk
    assert stored.document is not None
    assert stored.document.content_type == "application/pdf"


def test_hostile_upload_is_refused_with_its_reason(client: Client, web_world: WebWorld) -> None:
    enterprise = web_world.tenants["A"].enterprise
    signed_in(client, _qualify(web_world.users[RoleChoices.METERING_STAFF], enterprise))
    hostile = MINIMAL_PDF + b"<script>alert(1)</script>"
    reply = client.post(
        "/api/v1/metrology/certificates", _certificate_form(web_world, hostile, "c.pdf")
    )
    assert reply.status_code == 400
    assert reply.json()["code"] == "metrology.upload_rejected"
    assert reply.json()["params"]["reason"] == "polyglot"
    assert not Certificate.objects.filter(number="JD-API-1").exists()


def test_viewer_may_not_upload(client: Client, web_world: WebWorld) -> None:
    signed_in(client, web_world.users[RoleChoices.VIEWER])
    form = _certificate_form(web_world, MINIMAL_PDF, "c.pdf")
    reply = client.post("/api/v1/metrology/certificates", form)
    assert reply.status_code == 403
    assert reply.json()["code"] == "tenancy.access_denied"


def test_review_transitions_are_audited_and_sided(client: Client, web_world: WebWorld) -> None:
    enterprise = web_world.tenants["A"].enterprise
    review = build_metrology(web_world.instruments["A"]).review
    url = f"/api/v1/metrology/reviews/{review.pk}/transitions"
    staff = _qualify(web_world.users[RoleChoices.METERING_STAFF], enterprise)
    submitted = signed_in(client, staff).post(
        url, {"action": "submit"}, content_type="application/json"
    )
    assert submitted.json()["state"] == "submitted", submitted.content
    early = client.post(url, {"action": "approve"}, content_type="application/json")
    assert early.status_code == 403
    reviewer = web_world.users[RoleChoices.METROLOGY_REVIEWER]
    signed_in(client, qualify_reviewer(reviewer, enterprise.province))
    finding = {"clause": "GB 17167 4.3.2", "text": "台账缺安装位置", "severity": "major"}
    returned = client.post(
        url,
        {"action": "return", "note": "补正", "findings": [finding]},
        content_type="application/json",
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"] == "returned"
    assert review.findings.filter(clause="GB 17167 4.3.2").exists()
    wrong = client.post(url, {"action": "approve"}, content_type="application/json")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "metrology.bad_transition"
    actions = AuditEntry.objects.filter(object_type="metrology.review").values_list(
        "action", flat=True
    )
    assert {"review_submit", "review_return"} <= set(actions)
