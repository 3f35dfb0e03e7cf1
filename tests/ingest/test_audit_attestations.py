"""``tanji audit`` re-checks the platform's attestations of lab records (ADR 0210)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from tanji.evidence.attestation import Credential, submitting
from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.models import RawEnvelope
from tanji.ingest.audit import audit
from tanji.plant import lab
from tanji.tenancy.actor import Actor
from tanji.trust.keys import PrivateKey, generate_private_key
from tests.plant.factories import SourceFactory
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db
ORIGIN = "tanji.example/log"
SAMPLED = datetime(2026, 3, 2, 8, tzinfo=UTC)
CREDENTIAL = Credential("password+totp", "session:0123456789abcdef")


def _attested_analysis() -> RawEnvelope:
    source = SourceFactory()
    actor = Actor.for_user(member("lab_staff", source.enterprise))
    with submitting(CREDENTIAL):
        lab.record_lab_analysis(
            actor,
            enterprise_id=source.enterprise_id,
            line_id=source.line_id,
            sample_id="CK-0302",
            material="clinker",
            sampled_at=SAMPLED,
            analysed_at=SAMPLED.replace(hour=12),
            method_standard="GB/T 176-2017",
            results=[lab.ResultInput("cao", 65.1, "%", 0.15)],
        )
    row = RawEnvelope.objects.get(channel=ChannelChoices.RECORD)
    assert row.trust_level == TrustLevelChoices.SESSION_ATTESTED
    return row


def _rewrite_statement(row: RawEnvelope, key: PrivateKey, **changes: object) -> bytes:
    """The row's attestation with members changed, re-signed by ``key``."""
    from tanji.trust.attestation import ATTESTATION_TYPE
    from tanji.trust.dsse import decode_envelope, encode_envelope, sign_envelope

    statement = json.loads(decode_envelope(bytes(row.body)).payload)
    statement |= changes
    payload = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    return encode_envelope(sign_envelope(ATTESTATION_TYPE, payload, key))


def test_an_untouched_attested_record_audits_clean(platform: PrivateKey) -> None:
    _attested_analysis()
    issue_checkpoint(platform, ORIGIN)
    assert audit(platform.public_key(), ORIGIN) == []


def test_edited_attestation_bytes_are_found(platform: PrivateKey) -> None:
    row = _attested_analysis()
    issue_checkpoint(platform, ORIGIN)
    body = bytes(row.body)
    document = json.loads(body)
    signature = base64.b64decode(document["signatures"][0]["sig"])
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    document["signatures"][0]["sig"] = base64.b64encode(flipped).decode("ascii")
    edited = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    RawEnvelope.objects.filter(pk=row.pk).update(body=edited)
    found = {d.kind: d for d in audit(platform.public_key(), ORIGIN)}
    assert {"envelope.digest", "attestation.invalid"} <= found.keys()
    assert "does not verify" in found["attestation.invalid"].detail


def test_an_attestation_re_signed_by_another_key_is_found(platform: PrivateKey) -> None:
    row = _attested_analysis()
    forged = _rewrite_statement(row, generate_private_key())
    RawEnvelope.objects.filter(pk=row.pk).update(body=forged)
    kinds = [d.kind for d in audit(platform.public_key(), ORIGIN)]
    assert "attestation.invalid" in kinds


def test_a_swapped_submitter_is_found(platform: PrivateKey) -> None:
    row = _attested_analysis()
    issue_checkpoint(platform, ORIGIN)
    other = member("lab_staff", row.enterprise)
    RawEnvelope.objects.filter(pk=row.pk).update(submitted_by=other)
    found = [d for d in audit(platform.public_key(), ORIGIN) if d.kind == "attestation.user"]
    assert len(found) == 1
    assert repr(other.username) in found[0].detail


def test_an_attestation_naming_another_user_is_found(platform: PrivateKey) -> None:
    """Even a statement the platform key signed must name the record's own submitter."""
    row = _attested_analysis()
    RawEnvelope.objects.filter(pk=row.pk).update(
        body=_rewrite_statement(row, platform, user="mallory")
    )
    found = [d for d in audit(platform.public_key(), ORIGIN) if d.kind == "attestation.user"]
    assert len(found) == 1
    assert "'mallory'" in found[0].detail
