"""Tenancy writes: permissions, validation into CodedErrors, audit entries."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from tanji.tenancy import services
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry, Membership, User
from tanji.tenancy.validation import InvalidInput, NotFound
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory, ProvinceFactory, member

pytestmark = pytest.mark.django_db
PASSWORD = "a long demo passphrase"


def _entries(instance: object) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),  # type: ignore[attr-defined]
        ).order_by("id")
    )


def test_create_enterprise_is_audited_with_the_request_id() -> None:
    actor = Actor.system(request_id="req-42")
    province = services.create_province(actor, code="420000", name_zh="湖北省")
    enterprise = services.create_enterprise(
        actor,
        province_id=province.pk,
        name_zh="楚江水泥",
        credit_code="91350100m000100y43",
        city="420100",
    )
    assert enterprise.credit_code == "91350100M000100Y43"
    [entry] = _entries(enterprise)
    assert (entry.action, entry.request_id, entry.username) == ("create", "req-42", "system")
    assert entry.before is None
    assert entry.after["credit_code"] == "91350100M000100Y43"
    assert entry.enterprise_id == enterprise.pk


def test_bad_credit_code_names_the_field() -> None:
    province = ProvinceFactory()
    with pytest.raises(InvalidInput) as caught:
        services.create_enterprise(
            Actor.system(),
            province_id=province.pk,
            name_zh="x",
            credit_code="91350100M000100Y44",
            city="420100",
        )
    assert caught.value.code == "tenancy.invalid_field"
    assert caught.value.params["field"] == "credit_code"
    assert caught.value.params["reason"] == "tenancy.credit_code_check"


def test_unknown_city_is_refused() -> None:
    enterprise = EnterpriseFactory()
    with pytest.raises(InvalidInput) as caught:
        services.update_enterprise(Actor.system(), enterprise.pk, city="110000")
    assert caught.value.params["field"] == "city"


def test_update_records_before_and_after() -> None:
    enterprise = EnterpriseFactory(address="old")
    admin = Actor.for_user(member("enterprise_admin", enterprise))
    services.update_enterprise(admin, enterprise.pk, address="new")
    [entry] = _entries(enterprise)
    assert (entry.before["address"], entry.after["address"]) == ("old", "new")
    assert entry.user_id == admin.user_id


def test_fields_outside_the_editable_set_are_refused() -> None:
    enterprise = EnterpriseFactory()
    with pytest.raises(InvalidInput) as caught:
        services.update_enterprise(Actor.system(), enterprise.pk, province_id=99)
    assert caught.value.code == "tenancy.field_not_editable"


def test_viewer_may_not_edit_and_other_tenants_are_not_found() -> None:
    own, other = EnterpriseFactory(), EnterpriseFactory()
    viewer = Actor.for_user(member("viewer", own))
    with pytest.raises(AccessDenied):
        services.update_enterprise(viewer, own.pk, address="x")
    with pytest.raises(NotFound):
        services.update_enterprise(viewer, other.pk, address="x")
    assert not AuditEntry.objects.exists()


def test_enterprise_admin_creates_members_of_its_enterprise() -> None:
    enterprise = EnterpriseFactory()
    admin = Actor.for_user(member("enterprise_admin", enterprise))
    membership = services.create_member(
        admin, enterprise_id=enterprise.pk, username="lab1", password=PASSWORD, role="lab_staff"
    )
    assert membership.user.check_password(PASSWORD)
    actions = [e.action for e in AuditEntry.objects.order_by("id")]
    assert actions == ["create", "grant"]
    assert "password" not in AuditEntry.objects.get(action="create").after


def test_enterprise_admin_cannot_grant_province_roles_or_create_free_users() -> None:
    enterprise = EnterpriseFactory()
    admin = Actor.for_user(member("enterprise_admin", enterprise))
    user = member("viewer", enterprise)
    with pytest.raises(AccessDenied):
        services.grant_membership(
            admin, user_id=user.pk, role="regulator", province_id=enterprise.province_id
        )
    with pytest.raises(AccessDenied):
        services.create_user(admin, username="free", password=PASSWORD)


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("verifier", {"enterprise": True}),  # a verifier needs a year
        ("viewer", {"enterprise": True, "year": 2025}),
        ("regulator", {"enterprise": True}),
        ("platform_operator", {"province": True}),
    ],
)
def test_grant_scope_must_match_the_role(role: str, scope: dict[str, object]) -> None:
    enterprise = EnterpriseFactory()
    user = User.objects.create(username="someone")
    with pytest.raises(InvalidInput) as caught:
        services.grant_membership(
            Actor.system(),
            user_id=user.pk,
            role=role,
            enterprise_id=enterprise.pk if scope.get("enterprise") else None,
            province_id=enterprise.province_id if scope.get("province") else None,
            year=scope.get("year"),  # type: ignore[arg-type]
        )
    assert caught.value.code == "tenancy.membership_scope"


def test_unknown_role_is_refused() -> None:
    user = User.objects.create(username="someone")
    with pytest.raises(InvalidInput) as caught:
        services.grant_membership(Actor.system(), user_id=user.pk, role="janitor")
    assert caught.value.code == "tenancy.unknown_role"


def test_short_password_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        services.create_user(Actor.system(), username="u", password="short")
    assert caught.value.params["length"] == 5


def test_a_precomputed_hash_of_the_preferred_hasher_is_stored_as_is() -> None:
    encoded = make_password(PASSWORD)
    user = services.create_user(
        Actor.system(), username="hashed", password=PASSWORD, password_hash=encoded
    )
    user.refresh_from_db()
    assert user.password == encoded
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "encoded",
    [
        "not a hash",
        "pbkdf2_sha256$1000$salt$c2FsdA==",  # another algorithm than the preferred one
        "argon2$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",  # weak parameters
    ],
)
def test_a_hash_weaker_or_other_than_the_preferred_one_is_refused(encoded: str) -> None:
    hashers = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    with override_settings(PASSWORD_HASHERS=hashers), pytest.raises(InvalidInput) as caught:
        services.create_user(
            Actor.system(), username="weak", password=PASSWORD, password_hash=encoded
        )
    assert caught.value.code == "tenancy.weak_password_hash"
    assert caught.value.params == {"username": "weak", "algorithm": "argon2"}
    assert not User.objects.filter(username="weak").exists()


def test_revoke_is_audited() -> None:
    membership = MembershipFactory()
    services.revoke_membership(Actor.system(), membership.pk)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    [entry] = _entries(membership)
    assert entry.action == "revoke"
    assert entry.after is None


def test_database_refuses_a_membership_of_the_wrong_shape() -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(role="regulator")  # enterprise set, province missing


def test_enterprise_admin_deactivates_its_own_staff_only() -> None:
    enterprise, other = EnterpriseFactory(), EnterpriseFactory()
    admin = Actor.for_user(member("enterprise_admin", enterprise))
    staff = member("lab_staff", enterprise)
    services.update_user(admin, staff.pk, is_active=False)
    staff.refresh_from_db()
    assert not staff.is_active
    assert (
        AuditEntry.objects.get(action="update", object_id=str(staff.pk)).after["is_active"] is False
    )
    with pytest.raises(NotFound):
        services.update_user(admin, member("lab_staff", other).pk, is_active=False)


def test_user_shared_with_another_enterprise_needs_both_admins() -> None:
    enterprise, other = EnterpriseFactory(), EnterpriseFactory()
    shared = member("viewer", enterprise)
    MembershipFactory(user=shared, enterprise=other, role="viewer")
    with pytest.raises(AccessDenied):
        services.update_user(
            Actor.for_user(member("enterprise_admin", enterprise)), shared.pk, display_name="x"
        )


def test_users_set_their_own_password_and_the_hash_is_not_audited() -> None:
    user = member("viewer", EnterpriseFactory())
    services.set_password(Actor.for_user(user), user.pk, "another long passphrase")
    user.refresh_from_db()
    assert user.check_password("another long passphrase")
    entry = AuditEntry.objects.get(action="set_password")
    assert (entry.before, entry.after) == (None, None)


def test_colleague_may_not_set_someone_elses_password() -> None:
    enterprise = EnterpriseFactory()
    colleague = Actor.for_user(member("metering_staff", enterprise))
    with pytest.raises(AccessDenied):
        services.set_password(colleague, member("viewer", enterprise).pk, PASSWORD)
