"""Metrology pages: signed-in staff place an instrument, enter a certificate, answer a review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tanji.metrology import queries
from tanji.metrology.models import PersonnelDocument, Review
from tanji.tenancy.actor import Actor
from tests.metrology.factories import (
    MINIMAL_PDF,
    InstrumentFactory,
    StandardFactory,
    qualify_reviewer,
)
from tests.plant.factories import EdgeFactory, TagFactory
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
PAGES = (
    "diagram",
    "ledger",
    "calibration",
    "reviews",
    "personnel_list",
    "plans_list",
    "qc_list",
    "snapshots_list",
)


def _staff(e: object) -> object:
    staff = member("metering_staff", e)
    start = timezone.localdate() - timedelta(days=30)
    PersonnelDocument.objects.create(
        enterprise=e, person=staff, kind="appointment", title="a", issued_on=start
    )
    for scope in ("ledger", "calibration"):
        PersonnelDocument.objects.create(
            enterprise=e,
            person=staff,
            kind="qualification",
            title=scope,
            scope=scope,
            issued_on=start,
        )
    return staff


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    for name in PAGES:
        assert client.get(reverse(f"metrology:{name}")).status_code == 302


def test_every_page_renders_for_staff(client: Client) -> None:
    edge = EdgeFactory()
    client.force_login(_staff(edge.enterprise))  # type: ignore[arg-type]
    for name in PAGES:
        response = client.get(reverse(f"metrology:{name}"))
        assert response.status_code == 200, name
    ledger = client.get(reverse("metrology:ledger") + "?format=xlsx")
    assert ledger.content[:2] == b"PK"


def test_place_instrument_then_enter_its_certificate(client: Client) -> None:
    edge = EdgeFactory()
    e = edge.enterprise
    tag = TagFactory(enterprise=e, line=None, source=None)
    staff = _staff(e)
    client.force_login(staff)  # type: ignore[arg-type]
    response = client.post(
        reverse("metrology:diagram") + f"?diagram={edge.diagram_id}",
        {
            "code": "BS-NEW",
            "name_zh": "新皮带秤",
            "instrument_type": "belt_scale",
            "accuracy_class": "0.5",
            "range_max": "300",
            "range_unit": "t/h",
            "installed_on": "2025-01-01",
            "edge": edge.pk,
            "tag": tag.pk,
        },
    )
    assert response.status_code == 302
    actor = Actor.system()
    scale = queries.instruments(actor).get(code="BS-NEW")
    assert (scale.location_id, list(scale.tags.all())) == (edge.pk, [tag])
    standard = StandardFactory(body__enterprise=e, enterprise=e)
    today = timezone.localdate()
    fields = {
        "instrument": scale.pk,
        "number": "JD-1",
        "calibrated_on": today.isoformat(),
        "body": standard.body_id,
        "standard": standard.pk,
        "method": "JJG 195-2019",
        "result": "pass",
        "expanded_u": "0.2",
        "coverage_k": "2",
        "next_due_on": (today + timedelta(days=365)).isoformat(),
        "form": "certificate",
    }
    bad = client.post(
        reverse("metrology:calibration"),
        fields | {"file": SimpleUploadedFile("cert.exe.pdf", MINIMAL_PDF)},
    )
    assert bad.status_code == 200
    assert not queries.certificates(actor).exists()
    good = client.post(
        reverse("metrology:calibration"),
        fields | {"file": SimpleUploadedFile("cert.pdf", MINIMAL_PDF)},
    )
    assert good.status_code == 302
    [state] = queries.instrument_states(actor, today)
    assert (state.state, state.due_on) == ("ok", today + timedelta(days=365))
    too_long = {
        "form": "plan",
        "instrument": scale.pk,
        "first_due_on": today.isoformat(),
        "period_months": "18",
    }
    assert client.post(reverse("metrology:calibration"), too_long).status_code == 200
    planned = client.post(reverse("metrology:calibration"), too_long | {"period_months": ""})
    assert planned.status_code == 302
    assert queries.calibration_plans(actor).get().period_months == 12


def test_review_returned_and_answered_through_the_page(client: Client) -> None:
    e = EnterpriseFactory()
    staff = _staff(e)
    InstrumentFactory(enterprise=e, responsible=staff, install_location="x")
    client.force_login(staff)  # type: ignore[arg-type]
    assert client.post(reverse("metrology:ledger"), {"year": "2025"}).status_code == 302
    review = Review.objects.get(enterprise=e)
    url = reverse("metrology:review", args=[review.pk])
    reviewer = qualify_reviewer(member("metrology_reviewer", e), e.province)
    client.force_login(reviewer)
    client.post(url, {"action": "return", "clause": "GB 17167 4.3.2", "finding": "coal gate"})
    review.refresh_from_db()
    assert review.state == "returned"
    finding = review.findings.get()
    client.force_login(staff)  # type: ignore[arg-type]
    client.post(url, {"action": "respond", f"response-{finding.pk}": "truck scale ordered"})
    review.refresh_from_db()
    assert review.state == "responded"
    other = member("metering_staff", EnterpriseFactory())
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_calibration_page_marks_tag_data_as_of_the_chosen_day(client: Client) -> None:
    from tests.metrology.factories import CertificateFactory

    edge = EdgeFactory()
    tag = TagFactory(enterprise=edge.enterprise, line=None, source=None, code="BS-MARK")
    scale = InstrumentFactory(enterprise=edge.enterprise, location=edge)
    scale.tags.add(tag)
    CertificateFactory(instrument=scale, next_due_on=date(2026, 1, 10))  # calibrated 2025-01-10
    client.force_login(member("viewer", edge.enterprise))
    url = reverse("metrology:calibration")
    before = client.get(url, {"at": "2026-01-09"}).content.decode()
    assert 'id="mark-BS-MARK"><td>BS-MARK</td><td class="state-ok">' in before
    after = client.get(url, {"at": "2026-01-10"}).content.decode()
    assert 'id="mark-BS-MARK"><td>BS-MARK</td><td class="state-overdue">' in after
    assert "计量器具检定/校准过期" in after
    assert 'value="2026-01-10"' in after
    nonsense = client.get(url, {"at": "yesterday"})  # not a date: today is shown
    assert f'value="{timezone.localdate().isoformat()}"' in nonsense.content.decode()
