"""Personal signing keys: registration checks, own-keys-only, every change audited (ADR 0231)."""

from __future__ import annotations

import pytest

from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials import keys, queries
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import InvalidInput, NotFound
from tanji.trust.keys import generate_private_key
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db


def _pem(suite: str = "ed25519-sha256") -> str:
    return generate_private_key(suite).public_key().to_pem().decode("ascii")


@pytest.mark.parametrize("suite", ["ed25519-sha256", "sm2-sm3"])
def test_register_and_revoke_are_audited(suite: str) -> None:
    enterprise = EnterpriseFactory()
    actor = Actor.for_user(member("lab_staff", enterprise))
    pem = _pem(suite)
    key = keys.register_key(actor, enterprise_id=enterprise.pk, public_key_pem=pem, label=" XRF ")
    assert (key.suite, key.label, key.public_key_pem) == (suite, "XRF", pem)
    assert list(queries.user_keys(actor)) == [key]
    keys.revoke_key(actor, key.pk)
    keys.revoke_key(actor, key.pk)  # twice: the first time stays
    entries = AuditEntry.objects.filter(object_id=str(key.pk)).order_by("id")
    assert [e.action for e in entries] == ["register_key", "revoke_key"]
    assert entries[1].before["revoked_at"] is None
    assert entries[1].after["revoked_at"] is not None
    assert entries[0].enterprise_id == enterprise.pk


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"public_key_pem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"},
         "tenancy.key_invalid"),
        ({"label": "  "}, "tenancy.key_label"),
        ({"enterprise_id": -1}, "tenancy.key_enterprise"),
    ],
)  # fmt: skip
def test_registration_refuses_bad_input(change: dict[str, object], code: str) -> None:
    enterprise = EnterpriseFactory()
    actor = Actor.for_user(member("lab_staff", enterprise))
    fields = {"enterprise_id": enterprise.pk, "public_key_pem": _pem(), "label": "k"} | change
    with pytest.raises(InvalidInput) as refused:
        keys.register_key(actor, **fields)  # type: ignore[arg-type]
    assert refused.value.code == code
    assert not AuditEntry.objects.filter(action="register_key").exists()


def test_a_key_is_registered_once_and_only_by_a_member() -> None:
    enterprise, other = EnterpriseFactory(), EnterpriseFactory()
    actor = Actor.for_user(member("lab_staff", enterprise))
    pem = _pem()
    keys.register_key(actor, enterprise_id=enterprise.pk, public_key_pem=pem, label="k")
    colleague = Actor.for_user(member("lab_staff", enterprise))
    with pytest.raises(InvalidInput, match="already registered"):
        keys.register_key(colleague, enterprise_id=enterprise.pk, public_key_pem=pem, label="k")
    with pytest.raises(InvalidInput) as refused:
        keys.register_key(actor, enterprise_id=other.pk, public_key_pem=_pem(), label="k")
    assert refused.value.code == "tenancy.key_enterprise"
    with pytest.raises(InvalidInput) as refused:
        keys.register_key(Actor.system(), enterprise_id=other.pk, public_key_pem=_pem(), label="k")
    assert refused.value.code == "tenancy.key_needs_user"


def test_nobody_lists_or_revokes_another_users_key() -> None:
    enterprise = EnterpriseFactory()
    owner = Actor.for_user(member("lab_staff", enterprise))
    key = keys.register_key(owner, enterprise_id=enterprise.pk, public_key_pem=_pem(), label="k")
    admin = Actor.for_user(member("enterprise_admin", enterprise))
    assert not queries.user_keys(admin).exists()
    with pytest.raises(NotFound):
        keys.revoke_key(admin, key.pk)
    assert queries.user_key(key.key_id) == key
