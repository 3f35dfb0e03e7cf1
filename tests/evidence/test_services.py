"""Device registration, rotation and revocation are audited and take effect on intake."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tanji.errors import CodedError
from tanji.evidence.models import TerminalKey
from tanji.evidence.services import register_device, revoke_key, rotate_key
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import AuditEntry
from tanji.trust.keys import generate_private_key
from tests.evidence.factories import make_world
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db
AT = datetime(2025, 6, 1, tzinfo=UTC)


def test_rotation_revokes_the_old_key_and_enrols_the_new() -> None:
    world = make_world()
    new = generate_private_key()
    stored = rotate_key(Actor.system(), world.key.key_id, new.public_key().to_pem(), at=AT)
    old = TerminalKey.objects.get(key_id=world.key.key_id)
    assert (old.revoked_at, old.rotated_to) == (AT, new.key_id)
    assert (stored.key_id, stored.device_id, stored.enrolled_at) == (
        new.key_id,
        world.terminal.pk,
        AT,
    )
    assert AuditEntry.objects.filter(action="rotate").count() == 1


def test_revocation_needs_the_tag_right_on_that_enterprise() -> None:
    world, other = make_world("T"), make_world("O")
    outsider = Actor.for_user(member(RoleChoices.METERING_STAFF, other.enterprise))
    with pytest.raises(CodedError) as error:
        revoke_key(outsider, world.key.key_id, at=AT)
    assert error.value.code in {"tenancy.not_found", "tenancy.access_denied"}
    assert TerminalKey.objects.get(key_id=world.key.key_id).revoked_at is None
    staff = Actor.for_user(member(RoleChoices.METERING_STAFF, world.enterprise))
    assert revoke_key(staff, world.key.key_id, at=AT).revoked_at == AT


def test_hj212_device_needs_a_password_and_keeps_it_out_of_the_audit() -> None:
    world = make_world()
    with pytest.raises(CodedError) as error:
        register_device(
            Actor.system(), enterprise_id=world.enterprise.pk, device_id="MN1", kind="hj212"
        )
    assert error.value.code == "evidence.password_required"
    register_device(
        Actor.system(),
        enterprise_id=world.enterprise.pk,
        device_id="MN2",
        kind="hj212",
        password="secret",
    )
    entry = AuditEntry.objects.filter(action="create").latest("id")
    assert "password_digest" not in (entry.after or {})


def test_revocation_and_rotation_raise_the_configuration_version() -> None:
    from tanji.evidence.models import Device

    world = make_world()
    new = generate_private_key()
    rotated = rotate_key(Actor.system(), world.key.key_id, new.public_key().to_pem(), at=AT)
    assert Device.objects.get(pk=rotated.device_id).config_version == 2  # new revoked-key list
    revoke_key(Actor.system(), new.key_id, at=AT)
    assert Device.objects.get(pk=world.terminal.pk).config_version == 3
