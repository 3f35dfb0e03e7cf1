"""Lab results signed with the submitter's own key: stored as received, ``user_signed``."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from django.db import connection

from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.models import RawEnvelope, SignedEntry
from tanji.evidence.records import stored_record
from tanji.ingest.audit import audit
from tanji.ingest.signed_lab import SignedEntryRefused, submit_signed_lab
from tanji.plant.lab import lab_record
from tanji.plant.models import LabAnalysis
from tanji.protocols.records import parse_record
from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials import keys
from tanji.tenancy.validation import InvalidInput
from tanji.trust.dsse import decode_envelope
from tanji.trust.keys import PrivateKey
from tests.ingest.signed import lab_document, registered, signed
from tests.plant.factories import SourceFactory
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db
ORIGIN = "tanji.example/log"


@pytest.mark.parametrize("suite", ["ed25519-sha256", "sm2-sm3"])
def test_a_record_signed_with_a_registered_key_is_stored_as_received(suite: str) -> None:
    source = SourceFactory()
    user = member("lab_staff", source.enterprise)
    key, row = registered(user, source.enterprise_id, suite)
    body = signed(lab_document(user, source.enterprise_id, source.line_id), key)
    stored = submit_signed_lab(user, body)
    envelope = RawEnvelope.objects.get(channel=ChannelChoices.RECORD)
    assert bytes(envelope.body) == body
    assert envelope.trust_level == TrustLevelChoices.USER_SIGNED == stored.envelope.trust_level
    assert envelope.submitted_by_id == user.pk
    entry = SignedEntry.objects.get(envelope=envelope)
    assert (entry.key_id, entry.analysis_id) == (row.pk, stored.analysis.pk)
    analysis = LabAnalysis.objects.get()
    assert (analysis.sample_id, analysis.analyst_id) == ("CK-0302", user.pk)
    assert analysis.results.get().value == 65.1
    record = stored_record(envelope)
    assert record == lab_record(analysis, "signed", user.username)
    assert parse_record(record)["analysis"] == analysis.pk


def test_refusals_store_nothing_and_name_their_check() -> None:
    source = SourceFactory()
    user = member("lab_staff", source.enterprise)
    key, _row = registered(user, source.enterprise_id)
    keys.revoke_key(Actor.for_user(user), _row.pk)
    with pytest.raises(SignedEntryRefused) as refused:
        submit_signed_lab(user, signed(lab_document(user, source.enterprise_id, None), key))
    assert refused.value.code == "signed_entry.revoked_key"
    assert not RawEnvelope.objects.exists()
    assert not LabAnalysis.objects.exists()


def test_a_plant_refusal_rolls_the_log_entry_back() -> None:
    source = SourceFactory()
    user = member("lab_staff", source.enterprise)
    key, _row = registered(user, source.enterprise_id)
    bad_unit = lab_document(user, source.enterprise_id, source.line_id)
    bad_unit["results"][0]["unit"] = "kg"
    with pytest.raises(InvalidInput) as refused:
        submit_signed_lab(user, signed(bad_unit, key))
    assert refused.value.code == "plant.lab_result_invalid"
    assert not RawEnvelope.objects.exists()
    assert not SignedEntry.objects.exists()


def _signed_analysis() -> tuple[RawEnvelope, PrivateKey]:
    source = SourceFactory()
    user = member("lab_staff", source.enterprise)
    key, _row = registered(user, source.enterprise_id)
    submit_signed_lab(user, signed(lab_document(user, source.enterprise_id, source.line_id), key))
    return RawEnvelope.objects.get(channel=ChannelChoices.RECORD), key


def test_an_untouched_signed_record_audits_clean(platform: PrivateKey) -> None:
    _signed_analysis()
    issue_checkpoint(platform, ORIGIN)
    assert audit(platform.public_key(), ORIGIN) == []


def test_audit_finds_a_tampered_stored_envelope(platform: PrivateKey) -> None:
    row, _key = _signed_analysis()
    issue_checkpoint(platform, ORIGIN)
    document = json.loads(bytes(row.body))
    payload = json.loads(decode_envelope(bytes(row.body)).payload)
    payload["results"][0]["value"] = 60.0
    document["payload"] = base64.b64encode(
        json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    ).decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_rawenvelope SET body = %s WHERE id = %s",
            [json.dumps(document).encode(), row.pk],
        )
    found = {(d.kind, d.location) for d in audit(platform.public_key(), ORIGIN)}
    assert ("signed_entry.invalid", f"evidence_rawenvelope id={row.pk}") in found
    assert (
        "envelope.digest",
        f"evidence_rawenvelope id={row.pk} log_index={row.log_index}",
    ) in found


def test_audit_finds_an_edited_lab_value_of_a_signed_record(platform: PrivateKey) -> None:
    _signed_analysis()
    issue_checkpoint(platform, ORIGIN)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE plant_labresult SET value = 60.0")
    assert [d.kind for d in audit(platform.public_key(), ORIGIN)] == ["lab.edited"]


def test_audit_finds_a_key_revoked_before_the_record_was_received(platform: PrivateKey) -> None:
    row, _key = _signed_analysis()
    issue_checkpoint(platform, ORIGIN)
    entry = SignedEntry.objects.select_related("key").get(envelope=row)
    entry.key.revoked_at = datetime(2020, 1, 1, tzinfo=UTC)
    entry.key.save()
    found = [(d.kind, d.detail) for d in audit(platform.public_key(), ORIGIN)]
    # the record cannot be trusted, so its analysis counts as not logged either
    assert [k for k, _ in found] == ["signed_entry.invalid", "lab.not_logged"]
    assert "not valid at" in found[0][1]
