"""The document half of ``tanji audit``: stored uploads against their logged, attested records.

Every stored document that names a log leaf (``trust_leaf``) must find there a ``document``
envelope whose record names the document's enterprise and the SHA-256 of the bytes stored now
(``document.edited``: the file or its digest column was changed; ``document.not_logged``: the
leaf is missing or of another kind). An attested envelope (ADR 0230) must carry the platform
key's valid signature (``attestation.invalid``: edited bytes, a forged statement) and name the
uploader stored on the document and on the envelope row (``attestation.user``). A swapped
attestation (another upload's envelope put in this leaf) shows as ``document.edited`` here and
as a leaf-hash divergence in the log checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from tanji.errors import CodedError
from tanji.evidence.attestation import open_attestation
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.models import RawEnvelope
from tanji.metrology.models import StoredDocument
from tanji.protocols.documents import parse_document_record
from tanji.trust.keys import PublicKey

__all__ = ["document_divergences"]

Finding = tuple[str, str, str]


def document_divergences(platform_key: PublicKey | None) -> Iterator[Finding]:
    """Findings for document envelopes and the stored documents naming them."""
    rows = RawEnvelope.objects.filter(channel=ChannelChoices.DOCUMENT).select_related(
        "submitted_by"
    )
    logged: dict[int, tuple[RawEnvelope, dict[str, object], str | None]] = {}
    for row in rows.order_by("log_index").iterator():
        where = f"evidence_rawenvelope id={row.pk} log_index={row.log_index}"
        try:
            body, user = _opened(row, platform_key)
            record = parse_document_record(body)
        except CodedError as error:
            code = (
                "attestation.invalid" if row.trust_level != "unsigned" else "document.undecodable"
            )
            yield (code, where, str(error))
            continue
        stored = row.submitted_by.username if row.submitted_by else None
        if user is not None and user != stored:
            yield ("attestation.user", where, f"attestation names {user!r}, the row {stored!r}")
        logged[row.log_index] = (row, record, user)
    for document in StoredDocument.objects.select_related("uploaded_by").order_by("pk").iterator():
        yield from _document(document, logged)


def _opened(row: RawEnvelope, key: PublicKey | None) -> tuple[bytes, str | None]:
    """The record of a row and the attested uploader (after checking the platform signature)."""
    if row.trust_level != TrustLevelChoices.SESSION_ATTESTED:
        return bytes(row.body), None
    attestation = open_attestation(bytes(row.body), key)
    return attestation.record, attestation.user


def _document(
    document: StoredDocument,
    logged: dict[int, tuple[RawEnvelope, dict[str, object], str | None]],
) -> Iterator[Finding]:
    where = f"metrology_storeddocument id={document.pk} file={document.filename}"
    if not document.trust_leaf:
        return  # stored without a log recorder: the hash is kept on the row only
    entry = logged.get(int(document.trust_leaf)) if document.trust_leaf.isdigit() else None
    if entry is None:
        detail = f"names log leaf {document.trust_leaf}, which holds no document record"
        yield ("document.not_logged", where, detail)
        return
    row, record, user = entry
    content = hashlib.sha256(bytes(document.content)).hexdigest()
    if content != record["sha256"] or document.sha256 != record["sha256"]:
        detail = (
            f"leaf {row.log_index} logged sha256 {record['sha256']}; the stored bytes hash to"
            f" {content}, the row says {document.sha256}"
        )
        yield ("document.edited", where, detail)
    if record["enterprise"] != document.enterprise_id:
        detail = f"leaf {row.log_index} names enterprise {record['enterprise']}"
        yield ("document.enterprise", where, detail)
    uploader = document.uploaded_by.username if document.uploaded_by else None
    if user is not None and user != uploader:
        detail = f"leaf {row.log_index} attests {user!r}, the document names {uploader!r}"
        yield ("attestation.user", where, detail)
