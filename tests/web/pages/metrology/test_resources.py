"""Metrology records on the generic pages: units in the cells, flags, forms through services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tanji.metrology.models import PersonnelDocument, QCRecord
from tanji.tenancy.models import AuditEntry
from tests.metrology.factories import InstrumentFactory, PlanFactory, qualify
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db


def test_plans_and_qc_show_their_units_in_chinese_and_english(client: Client) -> None:
    plan = PlanFactory(instrument=InstrumentFactory(instrument_type="belt_scale"))
    QCRecord.objects.create(
        enterprise=plan.enterprise,
        kind="cems_rata",
        performed_on=date(2025, 6, 1),
        inputs={},
        result_value=1.10697,
        limit_value=15.0,
        passed=True,
        clause="HJ 75-2017 RA",
    )
    client.force_login(member("viewer", plan.enterprise))
    plans = client.get(reverse("metrology:plans_list")).content.decode()
    assert "12 个月" in plans
    qc = client.get(reverse("metrology:qc_list")).content.decode()
    assert "1.11 % (≤ 15 %)" in qc
    english = client.get(reverse("metrology:plans_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "12 months" in english.content.decode()


def test_personnel_list_flags_an_expired_qualification(client: Client) -> None:
    e = EnterpriseFactory()
    staff = member("metering_staff", e)
    PersonnelDocument.objects.create(
        enterprise=e,
        person=staff,
        kind="qualification",
        title="计量员证",
        scope="calibration",
        issued_on=date(2020, 1, 1),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(staff)
    page = client.get(reverse("metrology:personnel_list")).content.decode()
    assert "计量员证" in page
    assert "已过期" in page


def test_staff_files_an_exam_through_the_form_and_it_is_audited(client: Client) -> None:
    e = EnterpriseFactory()
    staff = qualify(member("metering_staff", e), e)
    client.force_login(staff)
    form = {
        "enterprise": e.pk,
        "person": staff.pk,
        "kind": "exam",
        "title": "年度考核",
        "issued_on": "2025-05-01",
        "score": "58",
    }
    reply = client.post(reverse("metrology:personnel_create"), form)
    assert reply.status_code == 302, reply.content.decode()[:500]
    exam = PersonnelDocument.objects.get(title="年度考核")
    assert AuditEntry.objects.filter(object_id=str(exam.pk), action="create").exists()
    detail = client.get(reverse("metrology:personnel_detail", args=[exam.pk])).content.decode()
    assert "58 分" in detail
    bad = client.post(reverse("metrology:personnel_create"), form | {"score": "130"})
    assert bad.status_code == 400
    assert list(bad.context["form"].errors) == ["score"]  # the service's error, on its field


def test_another_enterprises_record_is_not_found_and_viewers_do_not_edit(
    client: Client,
) -> None:
    plan = PlanFactory(instrument=InstrumentFactory(instrument_type="belt_scale"))
    client.force_login(member("metering_staff", EnterpriseFactory()))
    assert client.get(reverse("metrology:plans_detail", args=[plan.pk])).status_code == 404
    client.force_login(member("viewer", plan.enterprise))
    assert client.get(reverse("metrology:plans_edit", args=[plan.pk])).status_code == 403
