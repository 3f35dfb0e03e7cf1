"""Uploads are attested like lab results; ``tanji audit`` re-checks them (ADR 0230)."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from tanji.evidence.attestation import Credential, open_attestation, submitting
from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.documents import record_document
from tanji.evidence.models import RawEnvelope
from tanji.ingest.audit import Divergence, audit
from tanji.metrology import calibration
from tanji.metrology.models import StoredDocument
from tanji.protocols.documents import parse_document_record
from tanji.tenancy.actor import Actor
from tanji.trust.attestation import ATTESTATION_TYPE
from tanji.trust.dsse import decode_envelope, encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey, generate_private_key
from tests.metrology.factories import MINIMAL_PDF
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
ORIGIN = "tanji.example/log"
CREDENTIAL = Credential("password", "session:0123456789abcdef")


def _upload(content: bytes = MINIMAL_PDF, name: str = "JD-0001.pdf") -> StoredDocument:
    enterprise = EnterpriseFactory()
    actor = Actor.for_user(member("metering_staff", enterprise))
    with submitting(CREDENTIAL):
        return calibration.store_document(
            actor,
            enterprise_id=enterprise.pk,
            filename=name,
            content=content,
            kind="calibration_certificate",
        )


def _envelope(document: StoredDocument) -> RawEnvelope:
    return RawEnvelope.objects.get(log_index=int(document.trust_leaf))


def _audit(platform: PrivateKey) -> list[Divergence]:
    issue_checkpoint(platform, ORIGIN)
    return audit(platform.public_key(), ORIGIN)


def _set(table: str, column: str, value: object, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def test_an_upload_is_attested_in_the_storing_transaction(platform: PrivateKey) -> None:
    document = _upload()
    row = _envelope(document)
    assert (row.channel, row.trust_level) == (ChannelChoices.DOCUMENT, "session_attested")
    assert row.submitted_by_id == document.uploaded_by_id
    attestation = open_attestation(bytes(row.body), platform.public_key())
    record = parse_document_record(attestation.record)
    assert record["sha256"] == hashlib.sha256(MINIMAL_PDF).hexdigest() == document.sha256
    assert record["enterprise"] == document.enterprise_id
    assert attestation.user == document.uploaded_by.username  # type: ignore[union-attr]
    assert attestation.roles == ("metering_staff",)
    assert (attestation.auth_method, attestation.credential) == ("password", CREDENTIAL.credential)
    assert attestation.attested_at is not None
    assert attestation.attested_at.startswith(row.received_at.date().isoformat())
    assert _audit(platform) == []


def test_without_a_credential_the_document_hash_stays_unsigned(platform: PrivateKey) -> None:
    enterprise = EnterpriseFactory()
    leaf = record_document(hashlib.sha256(b"x").hexdigest(), "lab_report", enterprise.pk)
    row = RawEnvelope.objects.get(log_index=int(leaf))
    assert row.trust_level == TrustLevelChoices.UNSIGNED
    assert _audit(platform) == []


def test_audit_finds_edited_document_bytes(platform: PrivateKey) -> None:
    document = _upload()
    _set("metrology_storeddocument", "content", MINIMAL_PDF + b"%edited", document.pk)
    found = _audit(platform)
    assert [(d.kind, d.location) for d in found] == [
        ("document.edited", f"metrology_storeddocument id={document.pk} file=JD-0001.pdf")
    ]


def test_audit_finds_a_swapped_attestation(platform: PrivateKey) -> None:
    first, second = _upload(), _upload(MINIMAL_PDF + b"%2", "JD-0002.pdf")
    other = _envelope(second)
    row = _envelope(first)
    _set("evidence_rawenvelope", "body", bytes(other.body), row.pk)
    _set("evidence_rawenvelope", "sha256", other.sha256, row.pk)
    kinds = {(d.kind, d.location.split(" level=")[0]) for d in _audit(platform)}
    assert ("document.edited", f"metrology_storeddocument id={first.pk} file=JD-0001.pdf") in kinds
    assert ("log.node_hash", "evidence_lognode") in kinds


def test_audit_finds_a_forged_attestation(platform: PrivateKey) -> None:
    document = _upload()
    row = _envelope(document)
    statement = decode_envelope(bytes(row.body)).payload
    forged = encode_envelope(sign_envelope(ATTESTATION_TYPE, statement, generate_private_key()))
    _set("evidence_rawenvelope", "body", forged, row.pk)
    found = {(d.kind, d.location) for d in _audit(platform)}
    where = f"evidence_rawenvelope id={row.pk} log_index={row.log_index}"
    assert ("attestation.invalid", where) in found
    assert ("envelope.digest", where) in found


def test_audit_finds_an_uploader_swapped_on_the_document(platform: PrivateKey) -> None:
    document = _upload()
    other = member("metering_staff", document.enterprise)
    _set("metrology_storeddocument", "uploaded_by_id", other.pk, document.pk)
    found = [(d.kind, d.location) for d in _audit(platform)]
    assert found == [
        ("attestation.user", f"metrology_storeddocument id={document.pk} file=JD-0001.pdf")
    ]


def test_audit_finds_a_document_naming_no_document_leaf(platform: PrivateKey) -> None:
    document = _upload()
    _set("metrology_storeddocument", "trust_leaf", "999", document.pk)
    assert [d.kind for d in _audit(platform)] == ["document.not_logged"]
