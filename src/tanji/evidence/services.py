"""The writers of the evidence app: devices, enrolment, key rotation and revocation, checkpoints.

Device management is done by people (an Actor with ``edit_tags`` on the enterprise) and audited;
enrolment itself is done by a terminal presenting a one-time code (no user), so it is audited
under the system actor. The pure rules (code digests, expiry, rotation overlap) are in
:mod:`tanji.trust.lifecycle`; here they are persisted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F

from tanji.errors import CodedError
from tanji.evidence.choices import DeviceKindChoices
from tanji.evidence.models import Device, EnrolmentCode, TerminalKey
from tanji.tenancy import audit, queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import UserKey
from tanji.tenancy.permissions import Action
from tanji.trust import lifecycle
from tanji.trust.keys import PublicKey, load_public_key

__all__ = [
    "EnrolmentRequest",
    "check_device_password",
    "enrol_terminal",
    "issue_enrolment_code",
    "register_device",
    "revoke_key",
    "rotate_key",
]

CODE_TTL = timedelta(days=7)


class EnrolmentRefused(CodedError):
    """An enrolment request that does not match an open one-time code."""


def _password_digest(device_id: str, password: str) -> str:
    # HJ 212 passwords travel in clear on every frame; a salted digest only keeps them out of
    # database dumps, and is cheap enough to check on every frame (ADR 0112).
    return hashlib.sha256(f"{device_id}\x00{password}".encode()).hexdigest()


def check_device_password(device: Device, password: str) -> bool:
    """Constant-time check of an HJ 212 access password."""
    return password_matches(device.device_id, device.password_digest, password)


def password_matches(device_id: str, digest: str, password: str) -> bool:
    """Constant-time check of an HJ 212 access password against a device's stored digest."""
    return bool(digest) and hmac.compare_digest(digest, _password_digest(device_id, password))


@transaction.atomic
def register_device(
    actor: Actor,
    *,
    enterprise_id: int,
    device_id: str,
    kind: str = DeviceKindChoices.TERMINAL,
    password: str = "",
    enrolled_at: datetime | None = None,
) -> Device:
    """Register a terminal or HJ 212 logger of an enterprise (HJ 212 ones need a password)."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_TAGS, enterprise)
    if kind == DeviceKindChoices.HJ212 and not password:
        raise CodedError("evidence.password_required", "an HJ 212 device needs its PW password")
    device = Device.objects.create(
        enterprise=enterprise,
        device_id=device_id,
        kind=kind,
        password_digest=_password_digest(device_id, password) if password else "",
        enrolled_at=enrolled_at or datetime.now(UTC),
    )
    after = {k: v for k, v in audit.snapshot(device).items() if k != "password_digest"}
    audit.record(actor, "create", device, None, after)
    return device


@transaction.atomic
def issue_enrolment_code(actor: Actor, device: Device, *, now: datetime | None = None) -> str:
    """A new one-time code for ``device``; only its digest is stored. Returns the code."""
    actor.require(Action.EDIT_TAGS, tenancy_queries.enterprise(actor, device.enterprise_id))
    code, record = lifecycle.issue_enrolment_code(
        device.device_id, now or datetime.now(UTC), CODE_TTL, random_bytes=secrets.token_bytes
    )
    row = EnrolmentCode.objects.create(
        device=device, digest=record.digest, expires_at=record.expires_at
    )
    audit.record(actor, "issue_code", row, None, {"device": device.device_id})
    return code


@dataclass(frozen=True)
class EnrolmentRequest:
    """What a terminal posts to enrol (see the uplink contract)."""

    code: str
    device: str
    enterprise: str
    public_key_pem: bytes
    key_id: str = ""


@transaction.atomic
def enrol_terminal(request: EnrolmentRequest, *, now: datetime | None = None) -> TerminalKey:
    """Redeem a one-time code and enrol the terminal's public key.

    Raises:
        EnrolmentRefused: ``evidence.enrolment_refused`` for an unknown code or a code of
            another device or enterprise (one message, so probing learns nothing);
        trust errors for a used or expired code or a malformed key.
    """
    moment = now or datetime.now(UTC)
    row = (
        EnrolmentCode.objects.select_related("device")
        .filter(digest=lifecycle.code_digest(request.code))
        .first()
    )
    if (
        row is None
        or row.device.device_id != request.device
        or str(row.device.enterprise_id) != request.enterprise
    ):
        raise EnrolmentRefused("evidence.enrolment_refused", "the enrolment code is not valid")
    record = lifecycle.EnrolmentCode(row.digest, row.device.device_id, row.expires_at, row.used_at)
    used = lifecycle.redeem_enrolment_code(record, request.code, moment)
    row.used_at = used.used_at
    row.save(update_fields=["used_at"])
    key = load_public_key(request.public_key_pem)
    if request.key_id and request.key_id != key.key_id:
        raise EnrolmentRefused(
            "evidence.key_id_mismatch",
            "key id {claimed} does not match the posted key ({actual})",
            claimed=request.key_id,
            actual=key.key_id,
        )
    stored = _store_key(row.device, key, moment)
    audit.record(Actor.system(), "enrol", stored, None, audit.snapshot(stored))
    return stored


def _store_key(device: Device, key: PublicKey, at: datetime) -> TerminalKey:
    return TerminalKey.objects.create(
        device=device,
        key_id=key.key_id,
        suite=key.suite,
        public_key_pem=key.to_pem().decode("ascii"),
        enrolled_at=at,
    )


@transaction.atomic
def revoke_key(actor: Actor, key_id: str, *, at: datetime | None = None) -> TerminalKey:
    """Revoke a terminal key from ``at`` on (envelopes received later are refused)."""
    row = TerminalKey.objects.select_related("device").get(key_id=key_id)
    actor.require(Action.EDIT_TAGS, tenancy_queries.enterprise(actor, row.device.enterprise_id))
    before = audit.snapshot(row)
    row.revoked_at = at or datetime.now(UTC)
    row.save(update_fields=["revoked_at"])
    audit.record(actor, "revoke", row, before, audit.snapshot(row))
    _reconfigure(row.device)
    return row


@transaction.atomic
def rotate_key(
    actor: Actor, key_id: str, new_key_pem: bytes, *, at: datetime | None = None
) -> TerminalKey:
    """Replace a key by a new one; the old one is revoked from the rotation time on."""
    row = TerminalKey.objects.select_related("device").get(key_id=key_id)
    actor.require(Action.EDIT_TAGS, tenancy_queries.enterprise(actor, row.device.enterprise_id))
    moment = at or datetime.now(UTC)
    before = audit.snapshot(row)
    new_key = load_public_key(new_key_pem)
    old, _new = lifecycle.rotate(key_record(row), new_key, moment)
    row.revoked_at, row.rotated_to = old.revoked_at, old.rotated_to or ""
    row.save(update_fields=["revoked_at", "rotated_to"])
    audit.record(actor, "rotate", row, before, audit.snapshot(row))
    _reconfigure(row.device)
    return _store_key(row.device, new_key, moment)


def _reconfigure(device: Device) -> None:
    """Raise the configuration version: the revoked key list changed (ADR 0160)."""
    Device.objects.filter(pk=device.pk).update(config_version=F("config_version") + 1)


def key_record(row: TerminalKey) -> lifecycle.KeyRecord:
    """The pure lifecycle record of a stored key (tenant = the enterprise id as text)."""
    return lifecycle.KeyRecord(
        key=load_public_key(row.public_key_pem.encode("ascii")),
        owner=row.device.device_id,
        enrolled_at=row.enrolled_at,
        revoked_at=row.revoked_at,
        rotated_to=row.rotated_to or None,
        tenant=str(row.device.enterprise_id),
    )


def user_key_record(row: UserKey) -> lifecycle.KeyRecord:
    """The lifecycle record of a person's registered key (owner ``user:NAME``, ADR 0231)."""
    return lifecycle.KeyRecord(
        key=load_public_key(row.public_key_pem.encode("ascii")),
        owner=f"user:{row.user.username}",
        enrolled_at=row.registered_at,
        revoked_at=row.revoked_at,
        rotated_to=None,
        tenant=str(row.enterprise_id),
    )
