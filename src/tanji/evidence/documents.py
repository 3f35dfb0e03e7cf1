"""Document hashes in the transparency log: calibration certificates, lab reports, decisions.

The document's bytes stay with the part that owns them (metrology keeps certificate files); the
log commits to a small canonical record naming the document's SHA-256, kind and enterprise. The
record is stored like any other input, as a :class:`RawEnvelope` on the ``document`` channel with
no samples, so ``tanji audit``, proofs and evidence bundles treat it with everything else (R7.3).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime

from django.db import transaction

from tanji.errors import CodedError
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.log import append_envelope, lock_log
from tanji.evidence.models import RawEnvelope

DOCUMENT_FORMAT = "tanji-document/1"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_KIND = re.compile(r"[a-z][a-z0-9_]{0,47}")


class DocumentRecordError(CodedError):
    """A document record that is not exactly the documented shape."""


def document_record(sha256: str, kind: str, enterprise_id: int) -> bytes:
    """Canonical bytes the log commits to for one document."""
    if not _SHA256.fullmatch(sha256):
        raise DocumentRecordError(
            "document.bad_digest",
            "document digest must be 64 lowercase hex digits, got {sha256!r}",
            sha256=sha256,
        )
    if not _KIND.fullmatch(kind):
        raise DocumentRecordError("document.bad_kind", "unknown document kind {kind!r}", kind=kind)
    record = {
        "enterprise": enterprise_id,
        "format": DOCUMENT_FORMAT,
        "kind": kind,
        "sha256": sha256,
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode()


def parse_document_record(body: bytes) -> dict[str, object]:
    """Strictly read a record written by :func:`document_record` (the audit re-checks it)."""
    try:
        record = json.loads(body)
        sha256, kind, enterprise = record["sha256"], record["kind"], record["enterprise"]
        if record.get("format") != DOCUMENT_FORMAT or len(record) != 4:
            raise ValueError(record.get("format"))
    except (ValueError, KeyError, TypeError) as error:
        raise DocumentRecordError(
            "document.bad_record",
            "not a {format} record: {error}",
            format=DOCUMENT_FORMAT,
            error=str(error),
        ) from None
    if document_record(sha256, kind, enterprise) != body:
        raise DocumentRecordError("document.not_canonical", "document record is not canonical")
    return dict(record)


def record_document(sha256: str, kind: str, enterprise_id: int) -> str:
    """Append a document's hash to the log inside the caller's transaction; its leaf index."""
    body = document_record(sha256, kind, enterprise_id)
    received_at = datetime.now(UTC)
    with transaction.atomic():
        lock_log()
        index = append_envelope(body, received_at)
        RawEnvelope.objects.create(
            enterprise_id=enterprise_id,
            channel=ChannelChoices.DOCUMENT,
            trust_level=TrustLevelChoices.UNSIGNED,
            body=body,
            sha256=hashlib.sha256(body).hexdigest(),
            received_at=received_at,
            log_index=index,
            sample_count=0,
        )
    return str(index)
