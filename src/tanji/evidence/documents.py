"""Document hashes in the transparency log: calibration certificates, lab reports, decisions.

The document's bytes stay with the part that owns them (metrology keeps certificate files); the
log commits to a small canonical record naming the document's SHA-256, kind and enterprise
(:mod:`tanji.protocols.documents`). It is stored like any other input, as a
:class:`RawEnvelope` on the ``document`` channel with no samples, so ``tanji audit``, proofs and
evidence bundles treat it with everything else (R7.3).

Uploaded by a signed-in user (web page, or REST with a session or API token), the logged
envelope is the platform's attestation of the record and of the uploader — user, roles,
sign-in method, session or token fingerprint, time — trust level ``session_attested``, exactly
as for lab results (ADR 0210, 0230). Without a stated credential it stays the bare record.
"""

from __future__ import annotations

from tanji.evidence.attestation import open_attestation
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.models import RawEnvelope
from tanji.evidence.records import log_attested
from tanji.protocols.documents import (
    DOCUMENT_FORMAT,
    DocumentRecordError,
    document_record,
    parse_document_record,
)

__all__ = [
    "DOCUMENT_FORMAT",
    "DocumentRecordError",
    "document_record",
    "parse_document_record",
    "record_document",
    "stored_document_record",
]


def record_document(sha256: str, kind: str, enterprise_id: int, user_id: int | None = None) -> str:
    """Append a document's hash to the log inside the caller's transaction; its leaf index.

    ``user_id`` names the uploader: with the credential of the request in progress the
    platform attests the upload (ADR 0230).
    """
    record = document_record(sha256, kind, enterprise_id)
    return str(log_attested(record, enterprise_id, user_id, ChannelChoices.DOCUMENT).log_index)


def stored_document_record(row: RawEnvelope) -> bytes:
    """The document record a ``document``-channel envelope holds (unwrapping an attestation).

    The attestation's signature is not checked here; ``tanji audit`` does.
    """
    body = bytes(row.body)
    if row.trust_level == TrustLevelChoices.SESSION_ATTESTED:
        return open_attestation(body).record
    return body
