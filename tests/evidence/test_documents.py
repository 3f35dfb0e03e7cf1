from __future__ import annotations

import hashlib
import json

import pytest
from django.db import connection

from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.choices import ChannelChoices
from tanji.evidence.documents import (
    DocumentRecordError,
    document_record,
    parse_document_record,
    record_document,
)
from tanji.evidence.models import RawEnvelope
from tanji.ingest.audit import audit
from tanji.metrology import calibration
from tanji.trust.keys import PrivateKey
from tests.metrology.factories import MINIMAL_PDF, InstrumentFactory, PlanFactory
from tests.metrology.test_calibration import SYSTEM, _chain, _fields
from tests.tenancy.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
ORIGIN = "tanji.example/log"
DIGEST = hashlib.sha256(b"certificate").hexdigest()


def test_record_is_canonical_and_strictly_parsed() -> None:
    body = document_record(DIGEST, "calibration_certificate", 7)
    assert json.loads(body) == {
        "enterprise": 7,
        "format": "tanji-document/1",
        "kind": "calibration_certificate",
        "sha256": DIGEST,
    }
    assert parse_document_record(body)["sha256"] == DIGEST
    with pytest.raises(DocumentRecordError) as caught:
        parse_document_record(body.replace(b'{"enterprise"', b'{ "enterprise"'))
    assert caught.value.code == "document.not_canonical"


@pytest.mark.parametrize(
    ("sha256", "kind", "code"),
    [
        ("ABC", "calibration_certificate", "document.bad_digest"),
        (DIGEST.upper(), "calibration_certificate", "document.bad_digest"),
        (DIGEST, "../etc", "document.bad_kind"),
        (DIGEST, "", "document.bad_kind"),
    ],
)
def test_refuses_bad_digest_or_kind(sha256: str, kind: str, code: str) -> None:
    with pytest.raises(DocumentRecordError) as caught:
        document_record(sha256, kind, 1)
    assert caught.value.code == code
    assert not RawEnvelope.objects.exists()


@pytest.mark.parametrize("body", [b"", b"[]", b'{"format":"tanji-document/1"}', b"\xff"])
def test_parse_refuses_what_is_not_a_record(body: bytes) -> None:
    with pytest.raises(DocumentRecordError) as caught:
        parse_document_record(body)
    assert caught.value.code == "document.bad_record"


def test_certificate_upload_puts_its_hash_into_the_log() -> None:
    scale = InstrumentFactory(instrument_type="belt_scale")
    PlanFactory(instrument=scale)
    cert = calibration.record_certificate(
        SYSTEM, scale.pk, _fields(*_chain(scale)), filename="JD.pdf", content=MINIMAL_PDF
    )
    assert cert.document is not None
    row = RawEnvelope.objects.get(log_index=int(cert.document.trust_leaf))
    assert row.channel == ChannelChoices.DOCUMENT
    assert row.sample_count == 0
    assert (
        parse_document_record(bytes(row.body))["sha256"] == hashlib.sha256(MINIMAL_PDF).hexdigest()
    )


def test_audit_accepts_document_leaves_and_detects_an_edited_record(platform: PrivateKey) -> None:
    enterprise = EnterpriseFactory()
    first = int(record_document(DIGEST, "lab_report", enterprise.pk))
    second = int(
        record_document(hashlib.sha256(b"x").hexdigest(), "review_decision", enterprise.pk)
    )
    assert second == first + 1
    issue_checkpoint(platform, ORIGIN)
    assert audit(platform.public_key(), ORIGIN) == []
    forged = document_record(hashlib.sha256(b"forged").hexdigest(), "lab_report", enterprise.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_rawenvelope SET body = %s WHERE log_index = %s", [forged, first]
        )
    assert {d.kind for d in audit(platform.public_key(), ORIGIN)} >= {"envelope.digest"}
