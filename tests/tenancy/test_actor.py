"""The actor: grants from memberships, permission checks per enterprise."""

from __future__ import annotations

import pytest

from tanji.tenancy.actor import AccessDenied, Actor, Grant
from tanji.tenancy.permissions import Action
from tests.tenancy.factories import EnterpriseFactory, ProvinceFactory, member

pytestmark = pytest.mark.django_db


def test_grants_come_from_memberships() -> None:
    enterprise = EnterpriseFactory()
    actor = Actor.for_user(member("lab_staff", enterprise))
    assert actor.grants == (Grant("lab_staff", None, enterprise.pk, None),)
    assert len(actor.request_id) == 32


def test_request_id_is_kept_when_given() -> None:
    actor = Actor.for_user(member("viewer", EnterpriseFactory()), request_id="req-1")
    assert actor.request_id == "req-1"


def test_enterprise_role_acts_on_its_enterprise_only() -> None:
    own, other = EnterpriseFactory(), EnterpriseFactory()
    actor = Actor.for_user(member("metering_staff", own))
    assert actor.can(Action.EDIT_TAGS, own)
    assert not actor.can(Action.EDIT_TAGS, other)
    assert not actor.can(Action.EDIT_PLANT, own)


def test_province_role_covers_enterprises_of_its_province() -> None:
    hubei_a, hubei_b = EnterpriseFactory(), EnterpriseFactory()
    hunan = EnterpriseFactory(province=ProvinceFactory(code="430000", name_zh="湖南省"))
    actor = Actor.for_user(member("metrology_reviewer", hubei_a))
    assert actor.can(Action.REVIEW_METROLOGY, hubei_b)
    assert not actor.can(Action.VIEW, hunan)
    assert not actor.can(Action.EDIT_TAGS, hubei_a)


def test_platform_actions_need_a_platform_grant() -> None:
    admin = Actor.for_user(member("enterprise_admin", EnterpriseFactory()))
    assert not admin.can(Action.MANAGE_PLATFORM)
    assert Actor.system().can(Action.MANAGE_PLATFORM)


def test_require_raises_a_coded_error_naming_the_action() -> None:
    enterprise = EnterpriseFactory()
    actor = Actor.for_user(member("viewer", enterprise))
    with pytest.raises(AccessDenied) as caught:
        actor.require(Action.EDIT_PLANT, enterprise)
    assert caught.value.code == "tenancy.access_denied"
    assert caught.value.params["action"] == "edit_plant"


def test_actor_of_a_request_carries_its_request_id(rf: pytest.FixtureRequest) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/", HTTP_X_REQUEST_ID="abc-123")  # type: ignore[attr-defined]
    request.user = member("viewer", EnterpriseFactory())
    actor = Actor.for_request(request)
    assert (actor.request_id, actor.user_id) == ("abc-123", request.user.pk)
    request.user = AnonymousUser()
    anonymous = Actor.for_request(request)
    assert anonymous.grants == ()
    assert not anonymous.is_platform


def test_enterprise_location_comes_from_its_city() -> None:
    enterprise = EnterpriseFactory(city="420500")
    assert enterprise.location is not None
    assert enterprise.location.name_en == "Yichang"
