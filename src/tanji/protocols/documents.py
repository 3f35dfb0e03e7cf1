"""The document record: what the transparency log commits to for one uploaded document.

A calibration certificate, lab report or decision is kept by the part that owns it; the log
holds a small canonical record naming the document's SHA-256, its kind and the enterprise
(R4.2.2, R7.3)::

    {"enterprise": 3, "format": "tanji-document/1", "kind": "calibration_certificate",
     "sha256": "…64 hex…"}

Pure (no Django) so that ``tanji verify`` and the attestation of an upload (ADR 0230) can read
it offline.
"""

from __future__ import annotations

import json
import re

from tanji.errors import CodedError

__all__ = ["DOCUMENT_FORMAT", "DocumentRecordError", "document_record", "parse_document_record"]

DOCUMENT_FORMAT = "tanji-document/1"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_KIND = re.compile(r"[a-z][a-z0-9_]{0,47}")


class DocumentRecordError(CodedError):
    """A document record that is not exactly the documented shape."""


def document_record(sha256: str, kind: str, enterprise_id: int) -> bytes:
    """Canonical bytes the log commits to for one document.

    Raises:
        DocumentRecordError: ``document.bad_digest`` or ``document.bad_kind``.
    """
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
    """Strictly read a record written by :func:`document_record` (the audit re-checks it).

    Raises:
        DocumentRecordError: ``document.bad_record`` or ``document.not_canonical``.
    """
    try:
        record = json.loads(body)
        sha256, kind, enterprise = record["sha256"], record["kind"], record["enterprise"]
        if record.get("format") != DOCUMENT_FORMAT or len(record) != 4:
            raise ValueError(record.get("format"))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise DocumentRecordError(
            "document.bad_record",
            "not a {format} record: {error}",
            format=DOCUMENT_FORMAT,
            error=str(error),
        ) from None
    if document_record(sha256, kind, enterprise) != body:
        raise DocumentRecordError("document.not_canonical", "document record is not canonical")
    return dict(record)
