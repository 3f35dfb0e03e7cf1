"""The reviewer-qualification pages: list, file and end a qualification; who sees and may act."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tanji.metrology import personnel
from tanji.metrology.models import ReviewerQualification
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import InvalidInput
from tests.metrology.factories import qualify_reviewer
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
LIST = "metrology:reviewer-qualifications_list"


def _reviewer() -> tuple[ReviewerQualification, Client]:
    e = EnterpriseFactory()
    reviewer = qualify_reviewer(member("metrology_reviewer", e), e.province)
    operator = Client()
    operator.force_login(member("platform_operator"))
    return ReviewerQualification.objects.get(person=reviewer), operator


def test_the_list_shows_validity_in_chinese_and_english() -> None:
    row, operator = _reviewer()
    page = operator.get(reverse(LIST)).content.decode()
    assert row.number in page
    assert "审查员资格" in page
    assert "有效" in page
    english = operator.get(reverse(LIST), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reviewer qualifications" in english
    assert ">valid<" in english


def test_an_operator_files_a_qualification_through_the_form() -> None:
    row, operator = _reviewer()
    today = timezone.localdate()
    form = {
        "province": row.province_id, "person": row.person_id, "number": "HB-SC-2026-7",
        "issued_on": today.isoformat(), "valid_until": (today + timedelta(days=730)).isoformat(),
    }  # fmt: skip
    response = operator.post(reverse("metrology:reviewer-qualifications_create"), form)
    assert response.status_code == 302
    added = ReviewerQualification.objects.get(number="HB-SC-2026-7")
    assert AuditEntry.objects.filter(action="create", object_id=str(added.pk)).exists()
    stranger = member("viewer", EnterpriseFactory())  # no reviewer: refused on the field
    bad = operator.post(
        reverse("metrology:reviewer-qualifications_create"), form | {"person": stranger.pk}
    )
    assert bad.status_code == 400
    assert "不是" in bad.content.decode() or "no metrology reviewer" in bad.content.decode()


def test_ending_a_qualification_expires_it_today_and_is_audited() -> None:
    row, operator = _reviewer()
    detail = reverse("metrology:reviewer-qualifications_detail", args=[row.pk])
    assert "expire-button" in operator.get(detail).content.decode()
    url = reverse("metrology:reviewer-qualifications_expire", args=[row.pk])
    assert operator.post(url).status_code == 302
    row.refresh_from_db()
    assert row.valid_until == timezone.localdate() - timedelta(days=1)
    assert AuditEntry.objects.filter(action="expire", object_id=str(row.pk)).exists()
    page = operator.get(detail).content.decode()
    assert "已过期" in page
    assert "expire-button" not in page
    again = operator.post(url, follow=True).content.decode()
    assert "不能" in again or "cannot end" in again


def test_reviewers_see_only_their_own_and_may_not_expire() -> None:
    row, _ = _reviewer()
    other, _ = _reviewer()
    reviewer = Client()
    reviewer.force_login(row.person)
    page = reviewer.get(reverse(LIST)).content.decode()
    assert row.number in page
    assert other.number not in page
    assert (
        "expire-button"
        not in reviewer.get(
            reverse("metrology:reviewer-qualifications_detail", args=[row.pk])
        ).content.decode()
    )
    url = reverse("metrology:reviewer-qualifications_expire", args=[row.pk])
    reviewer.post(url)
    row.refresh_from_db()
    assert row.valid_until > timezone.localdate()
    assert reviewer.get(reverse("metrology:reviewer-qualifications_create")).status_code == 403


def test_the_service_refuses_an_expiry_before_issue() -> None:
    row, _ = _reviewer()
    with pytest.raises(InvalidInput) as raised:
        personnel.expire_reviewer_qualification(Actor.system(), row.pk, on=row.issued_on)
    assert raised.value.code == "metrology.qualification_not_expirable"
    assert raised.value.params["field"] == "valid_until"
