"""Stage 1, authenticate: establish who vouches for the input and at what trust level.

Contract: given a :class:`Submission`, return an :class:`Authenticated` or raise a
:class:`~tanji.errors.CodedError` whose code is the quarantine reason. Reads only.

- HTTPS/MQTT: the body must be a DSSE envelope of payload type ``tanji.batch.v1`` signed by a key
  enrolled for the claimed device, of the device's enterprise, not revoked at the receive time
  (R4.2.1, R9.4). Trust level ``signed``.
- HJ 212: the MN must be a registered HJ 212 logger and PW its password. Trust level
  ``unsigned`` (the protocol cannot sign; ADR 0112).
- Manual and file entry: the signed-in person must be allowed to enter lab data for the
  enterprise (R6.2). Trust level ``unsigned``; the person is recorded on the envelope.
"""

from __future__ import annotations

from tanji.evidence.choices import ChannelChoices, DeviceKindChoices, TrustLevelChoices
from tanji.evidence.models import Device
from tanji.evidence.services import check_device_password
from tanji.ingest import caches
from tanji.ingest.model import Authenticated, Refused, Submission
from tanji.protocols.readings import BATCH_PAYLOAD_TYPE
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.permissions import Action
from tanji.trust.dsse import Envelope, decode_envelope, verify_envelope
from tanji.trust.lifecycle import resolve_key

__all__ = ["authenticate"]

PERSON_CHANNELS = frozenset({ChannelChoices.MANUAL, ChannelChoices.FILE})


def authenticate(
    submission: Submission, *, payload_type: str = BATCH_PAYLOAD_TYPE
) -> Authenticated:
    """Dispatch on the channel (see the module docstring).

    Args:
        submission: the input.
        payload_type: the DSSE payload type signed channels must carry (heartbeats differ).
    """
    if submission.channel in PERSON_CHANNELS:
        return _person(submission)
    if submission.channel == ChannelChoices.HJ212:
        return _hj212(submission)
    return _signed(submission, payload_type)


def _device(device_id: str, kind: str) -> Device:
    if not device_id:
        raise Refused("ingest.no_device", "the request names no device")
    device = caches.device(device_id)
    if device is None:
        raise Refused(
            "ingest.unknown_device", "device {device} is not registered", device=device_id
        )
    if not device.active:
        raise Refused("ingest.device_inactive", "device {device} is deactivated", device=device_id)
    if device.kind != kind:
        raise Refused(
            "ingest.wrong_device_kind",
            "device {device} is a {kind} device, not {expected}",
            device=device_id,
            kind=device.kind,
            expected=kind,
        )
    return device


def _signed(submission: Submission, payload_type: str) -> Authenticated:
    envelope = decode_envelope(submission.body)
    if envelope.payload_type != payload_type:
        raise Refused(
            "ingest.wrong_payload_type",
            "payload type {got!r} is not {expected!r}",
            got=envelope.payload_type,
            expected=payload_type,
        )
    device = _device(submission.device_id, DeviceKindChoices.TERMINAL)
    refs = {str(device.enterprise_id), device.enterprise.credit_code}
    if submission.enterprise_ref and submission.enterprise_ref not in refs:
        raise Refused(
            "ingest.wrong_enterprise",
            "device {device} does not belong to enterprise {enterprise}",
            device=device.device_id,
            enterprise=submission.enterprise_ref,
        )
    key_id = _verify(envelope, device, submission)
    return Authenticated(
        submission=submission,
        enterprise_id=device.enterprise_id,
        trust_level=TrustLevelChoices.SIGNED,
        device=device,
        payload=envelope.payload,
        key_id=key_id,
    )


def _verify(envelope: Envelope, device: Device, submission: Submission) -> str:
    """Resolve the signing key (tenant, device, validity at receive time), then verify.

    The key rows come from :mod:`tanji.ingest.caches`; validity is decided here, per submission,
    at its receive time.
    """
    key_ids = [s.keyid for s in envelope.signatures]
    found = [k for k in (caches.terminal_key(i) for i in dict.fromkeys(key_ids)) if k is not None]
    if not found:
        raise Refused(
            "trust.unknown_key", "no signature is by an enrolled key ({keys})", keys=key_ids
        )
    row, record = next((k for k in found if k[0].device_id == device.pk), found[0])
    record = resolve_key(
        [record], row.key_id, submission.received_at, tenant=str(device.enterprise_id)
    )
    if row.device_id != device.pk:
        raise Refused(
            "ingest.key_of_other_device",
            "key {key_id} is enrolled for device {owner}, not {device}",
            key_id=row.key_id,
            owner=row.device.device_id,
            device=device.device_id,
        )
    verify_envelope(envelope, {record.key.key_id: record.key})
    return record.key.key_id


def _hj212(submission: Submission) -> Authenticated:
    content = submission.hj212
    if content is None:
        raise Refused("ingest.not_hj212", "the HJ 212 channel carries no decoded upload")
    device = _device(content.mn, DeviceKindChoices.HJ212)
    if not check_device_password(device, content.password):
        raise Refused("ingest.bad_password", "wrong access password for MN {mn}", mn=content.mn)
    return Authenticated(
        submission=submission,
        enterprise_id=device.enterprise_id,
        trust_level=TrustLevelChoices.UNSIGNED,
        device=device,
    )


def _person(submission: Submission) -> Authenticated:
    actor = submission.actor
    if actor is None or actor.user_id is None or submission.enterprise_id is None:
        raise Refused("ingest.no_person", "manual and file entry need a signed-in person")
    enterprise = tenancy_queries.enterprise(actor, submission.enterprise_id)
    actor.require(Action.EDIT_LAB, enterprise)
    return Authenticated(
        submission=submission,
        enterprise_id=enterprise.pk,
        trust_level=TrustLevelChoices.UNSIGNED,
        payload=submission.body,
    )
