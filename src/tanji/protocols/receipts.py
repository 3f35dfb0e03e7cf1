"""Receipts: the platform's signed statement that a batch is durably stored and logged.

A receipt is the only thing that lets a terminal free queue space (MQTT QoS and the HJ 212
``9014`` reply prove one hop only). The platform signs it (DSSE, payload type
:data:`RECEIPT_PAYLOAD_TYPE`) *after* its database commit and log append. This module is the
payload codec shared by the terminal and the ingest side; signing lives in ``tanji.trust``.

Wire shape (JSON, UTF-8, keys sorted, no insignificant whitespace)::

    {"device": "T-4201-01", "envelope_sha256": "<64 hex>", "format": "tanji-receipt/1",
     "log_index": 1234, "seq": 42, "status": "accepted", "time": "2025-06-10T08:31:02.120Z"}

``status`` is ``accepted`` (first arrival) or ``duplicate`` (already stored; ``log_index`` then
names the original leaf). ``time`` is the platform clock at commit, used for drift detection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tanji.errors import CodedError
from tanji.protocols.readings import format_time, parse_time

RECEIPT_FORMAT = "tanji-receipt/1"
#: DSSE payload type of a receipt.
RECEIPT_PAYLOAD_TYPE = "application/vnd.tanji.receipt.v1+json"
STATUSES = ("accepted", "duplicate")
_FIELDS = {"device", "envelope_sha256", "format", "log_index", "seq", "status", "time"}


class ReceiptFormatError(CodedError):
    """A receipt payload that is not exactly the documented shape."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the platform attests about one batch envelope."""

    device: str
    seq: int
    envelope_sha256: bytes
    log_index: int
    status: str
    time: datetime


def encode_receipt(receipt: Receipt) -> bytes:
    """Canonical bytes of a receipt: what the platform signs."""
    document = {
        "device": receipt.device,
        "envelope_sha256": receipt.envelope_sha256.hex(),
        "format": RECEIPT_FORMAT,
        "log_index": receipt.log_index,
        "seq": receipt.seq,
        "status": receipt.status,
        "time": format_time(receipt.time),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def _bad(field: str, expected: str, got: object) -> ReceiptFormatError:
    return ReceiptFormatError(
        "receipt.bad_field",
        "receipt field {field!r} must be {expected}, got {got!r}",
        field=field,
        expected=expected,
        got=got,
    )


def _int(document: dict[str, Any], field: str) -> int:
    value = document.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _bad(field, "an integer ≥ 0", value)
    return value


def decode_receipt(payload: bytes) -> Receipt:
    """Strictly decode receipt bytes; every deviation raises :class:`ReceiptFormatError`."""
    try:
        document = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReceiptFormatError(
            "receipt.not_json", "receipt is not UTF-8 JSON: {error}", error=str(exc)
        ) from None
    if not isinstance(document, dict) or set(document) != _FIELDS:
        raise ReceiptFormatError(
            "receipt.bad_shape",
            "receipt must be an object with exactly the fields {fields}",
            fields=sorted(_FIELDS),
        )
    if document["format"] != RECEIPT_FORMAT:
        raise _bad("format", RECEIPT_FORMAT, document["format"])
    digest = document["envelope_sha256"]
    if not isinstance(digest, str) or len(digest) != 64:
        raise _bad("envelope_sha256", "64 hex digits", digest)
    try:
        raw_digest = bytes.fromhex(digest)
    except ValueError:
        raise _bad("envelope_sha256", "64 hex digits", digest) from None
    if document["status"] not in STATUSES:
        raise _bad("status", " or ".join(STATUSES), document["status"])
    device = document["device"]
    if not isinstance(device, str) or not device:
        raise _bad("device", "a device id", device)
    return Receipt(
        device=device,
        seq=_int(document, "seq"),
        envelope_sha256=raw_digest,
        log_index=_int(document, "log_index"),
        status=document["status"],
        time=parse_time(document["time"], "receipt.time"),
    )
