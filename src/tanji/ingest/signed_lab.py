"""Lab results a person signed with their own key: verify, check, store as received (ADR 0231).

The submitter authenticates the request (API token or session) *and* signs the record: a DSSE
envelope of payload type :data:`~tanji.trust.attestation.SIGNED_RECORD_TYPE` carrying a
``tanji-lab-signed/1`` record (:mod:`tanji.protocols.records`). The checks, each refusing with
its own code and storing nothing:

- ``signed_entry.malformed`` — not a DSSE envelope, or not exactly one signature;
- ``signed_entry.unknown_type`` — another payload type or record format;
- ``signed_entry.unknown_key`` — the key id is not registered (signed with a key the person
  never registered: the wrong key);
- ``signed_entry.foreign_key`` — the key is another user's;
- ``signed_entry.revoked_key`` — the key was revoked;
- ``signed_entry.bad_signature`` — the signature does not verify (a tampered payload);
- ``signed_entry.bad_payload`` — the record is not canonical or malformed;
- ``signed_entry.other_tenant`` — the record names another enterprise than the key's;
- ``signed_entry.other_user`` — the record names another submitter than the signer;
- ``signed_entry.forbidden`` — the user's role there may not enter lab data;
- ``signed_entry.replayed`` — the nonce was accepted from this user before in another
  envelope. The very same envelope sent again (a client retrying after a lost answer) is
  answered with what it stored the first time, marked ``duplicate``, like a terminal's resent
  batch: nothing is stored twice and the client learns its record is in.

Then the analysis and its results are written and the envelope appended to the log in one
transaction; its rows get the trust level ``user_signed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from tanji.errors import CodedError
from tanji.evidence.models import RawEnvelope, SignedEntry
from tanji.evidence.signed_entries import earlier_entry, record_signed_entry
from tanji.plant import lab
from tanji.plant.models import LabAnalysis
from tanji.protocols.records import SIGNED_LAB_FORMAT, parse_record
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials.models import UserKey
from tanji.tenancy.credentials.queries import user_key
from tanji.tenancy.models import User
from tanji.tenancy.permissions import Action
from tanji.trust.attestation import SIGNED_RECORD_TYPE
from tanji.trust.dsse import Envelope, decode_envelope, verify_envelope
from tanji.trust.keys import load_public_key

__all__ = ["SignedEntryRefused", "SignedLab", "submit_signed_lab"]


class SignedEntryRefused(CodedError):
    """A signed record the platform does not accept (see the module docstring for codes)."""


@dataclass(frozen=True)
class SignedLab:
    """What a signed lab submission became: the analysis, its log leaf, the key."""

    analysis: LabAnalysis
    envelope: RawEnvelope
    key_id: str
    duplicate: bool = False  # the same envelope was stored before; nothing new stored


def submit_signed_lab(user: User, body: bytes) -> SignedLab:
    """Verify a signed lab record of ``user`` and store it (see the module docstring).

    Raises:
        SignedEntryRefused: with the code of the first check that failed.
        InvalidInput: the plant's own checks of the analysis (unit, line …); nothing stored.
    """
    envelope = _envelope(body)
    key = _key(envelope, user)
    record = _record(envelope.payload)
    actor = Actor.for_user(user)
    _check_scope(actor, key, record)
    if (earlier := earlier_entry(user.pk, record["nonce"])) is not None:
        return _resent(earlier, body)
    try:
        return _store(actor, key, record, body)
    except IntegrityError:
        if (earlier := earlier_entry(user.pk, record["nonce"])) is not None:
            return _resent(earlier, body)  # a concurrent request with it won
        raise


def _resent(earlier: SignedEntry, body: bytes) -> SignedLab:
    """The stored outcome for the same envelope sent again; another envelope is a replay."""
    if bytes(earlier.envelope.body) != body:
        raise _replayed(earlier.nonce)
    analysis = LabAnalysis.objects.get(pk=int(earlier.analysis_id or 0))
    return SignedLab(analysis, earlier.envelope, earlier.key.key_id, duplicate=True)


def _replayed(nonce: str) -> SignedEntryRefused:
    return SignedEntryRefused(
        "signed_entry.replayed", "nonce {nonce} was already accepted from you", nonce=nonce
    )


def _envelope(body: bytes) -> Envelope:
    try:
        envelope = decode_envelope(body)
    except CodedError as error:
        raise SignedEntryRefused(
            "signed_entry.malformed", "not a DSSE envelope: {detail}", detail=str(error)
        ) from None
    if len(envelope.signatures) != 1:
        raise SignedEntryRefused(
            "signed_entry.malformed",
            "a signed record carries exactly one signature, not {count}",
            count=len(envelope.signatures),
        )
    if envelope.payload_type != SIGNED_RECORD_TYPE:
        raise SignedEntryRefused(
            "signed_entry.unknown_type",
            "payload type {type!r} is not {expected!r}",
            type=envelope.payload_type,
            expected=SIGNED_RECORD_TYPE,
        )
    return envelope


def _key(envelope: Envelope, user: User) -> UserKey:
    key_id = envelope.signatures[0].keyid
    key = user_key(key_id)
    if key is None:
        raise SignedEntryRefused(
            "signed_entry.unknown_key", "key {key_id} is not registered", key_id=key_id[:16]
        )
    if key.user_id != user.pk:
        raise SignedEntryRefused(
            "signed_entry.foreign_key", "key {key_id} belongs to another user", key_id=key_id[:16]
        )
    if key.revoked_at is not None:
        raise SignedEntryRefused(
            "signed_entry.revoked_key",
            "key {key_id} was revoked at {at}",
            key_id=key_id[:16],
            at=key.revoked_at.isoformat(),
        )
    public = load_public_key(key.public_key_pem.encode("ascii"))
    try:
        verify_envelope(envelope, {public.key_id: public})
    except CodedError:
        raise SignedEntryRefused(
            "signed_entry.bad_signature",
            "the signature of key {key_id} does not verify: payload altered or another key",
            key_id=key_id[:16],
        ) from None
    return key


def _record(payload: bytes) -> dict[str, Any]:
    try:
        record = parse_record(payload)
    except CodedError as error:
        raise SignedEntryRefused(
            "signed_entry.bad_payload", "not a signed lab record: {detail}", detail=str(error)
        ) from None
    if record["format"] != SIGNED_LAB_FORMAT:
        raise SignedEntryRefused(
            "signed_entry.unknown_type",
            "payload type {type!r} is not {expected!r}",
            type=record["format"],
            expected=SIGNED_LAB_FORMAT,
        )
    return record


def _check_scope(actor: Actor, key: UserKey, record: dict[str, Any]) -> None:
    if record["enterprise"] != key.enterprise_id:
        raise SignedEntryRefused(
            "signed_entry.other_tenant",
            "key {key_id} is registered for enterprise {key_enterprise}, not {enterprise}",
            key_id=key.key_id[:16],
            key_enterprise=key.enterprise_id,
            enterprise=record["enterprise"],
        )
    if record["submitted_by"] != actor.username:
        raise SignedEntryRefused(
            "signed_entry.other_user",
            "the record names {named} as submitter; you are {username}",
            named=record["submitted_by"],
            username=actor.username,
        )
    if not actor.can(Action.EDIT_LAB, key.enterprise):
        raise SignedEntryRefused(
            "signed_entry.forbidden",
            "{username} may not enter lab data for enterprise {enterprise}",
            username=actor.username,
            enterprise=key.enterprise_id,
        )


@transaction.atomic
def _store(actor: Actor, key: UserKey, record: dict[str, Any], body: bytes) -> SignedLab:
    rows: list[RawEnvelope] = []

    def log(analysis: LabAnalysis) -> None:
        rows.append(
            record_signed_entry(
                body,
                enterprise_id=key.enterprise_id,
                user_id=key.user_id,
                key_pk=key.pk,
                nonce=record["nonce"],
                analysis_id=analysis.pk,
            )
        )

    analysis = lab.record_lab_analysis(
        actor,
        enterprise_id=key.enterprise_id,
        line_id=record["line"],
        source_id=record["source"],
        analyst_id=_analyst(actor, record["analyst"]),
        sample_id=record["sample_id"],
        material=record["material"],
        sampled_at=datetime.fromisoformat(record["sampled_at"]),
        analysed_at=datetime.fromisoformat(record["analysed_at"]),
        method_standard=record["method_standard"],
        instrument_code=record["instrument_code"],
        notes=record["notes"],
        results=[
            lab.ResultInput(r["parameter"], r["value"], r["unit"], r["u"], r["method_standard"])
            for r in record["results"]
        ],
        channel="signed",
        log=log,
    )
    return SignedLab(analysis, rows[0], key.key_id)


def _analyst(actor: Actor, username: str) -> int | None:
    if not username:
        return None
    user = tenancy_queries.users(actor).filter(username=username).first()
    if user is None:
        raise SignedEntryRefused(
            "signed_entry.bad_payload",
            "not a signed lab record: {detail}",
            detail=f"analyst {username} is not a user of this enterprise",
        )
    return int(user.pk)
