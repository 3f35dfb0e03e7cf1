"""Log entries: what one leaf of the trust log commits to.

A leaf is not the bare envelope: it is the envelope bytes *as received* together with the
platform's receive time, so that the time at which key validity is judged (see
:mod:`tanji.trust.lifecycle`) is itself committed by the log and covered by every later
checkpoint and cosignature. Canonical JSON, keys sorted, no whitespace::

    {"envelope":"<base64 DSSE JSON bytes>","format":"tanji-log-entry/1",
     "received_at":"2025-06-10T08:31:02.120Z"}

``leaf_hash(encode_log_entry(entry))`` is the leaf (RFC 9162). ``tanji.evidence`` appends these
bytes; ``tanji verify`` recomputes them.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from tanji.trust.errors import TrustError

__all__ = ["LOG_ENTRY_FORMAT", "LogEntry", "decode_log_entry", "encode_log_entry"]

LOG_ENTRY_FORMAT = "tanji-log-entry/1"
_MEMBERS = frozenset({"envelope", "format", "received_at"})
_FORMAT_BYTES = LOG_ENTRY_FORMAT.encode("ascii")


@dataclass(frozen=True)
class LogEntry:
    """An envelope as received and the platform's (aware) receive time."""

    envelope: bytes
    received_at: datetime


def encode_log_entry(entry: LogEntry) -> bytes:
    """Canonical bytes of ``entry`` (millisecond UTC time).

    Written directly rather than through ``json.dumps``: the members are fixed and in sorted
    order, and base64, the format name and the time use no character JSON escapes, so the bytes
    are exactly those of ``json.dumps(…, sort_keys=True, separators=(",", ":"))`` (tested) at a
    fifth of the cost — every accepted envelope is encoded once more for its leaf.
    """
    if entry.received_at.tzinfo is None:
        raise TrustError("trust.naive_datetime", "received_at must be timezone-aware")
    return b'{"envelope":"%s","format":"%s","received_at":"%s"}' % (
        base64.b64encode(entry.envelope),
        _FORMAT_BYTES,
        _format_time(entry.received_at).encode("ascii"),
    )


def decode_log_entry(data: bytes) -> LogEntry:
    """Parse canonical entry bytes; anything non-canonical is refused.

    Raises:
        TrustError: ``trust.log_entry_malformed`` with the reason.
    """
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _malformed(f"not UTF-8 JSON ({exc})") from None
    if not isinstance(document, dict) or set(document) != _MEMBERS:
        raise _malformed("expected exactly the members envelope, format, received_at")
    if document["format"] != LOG_ENTRY_FORMAT:
        raise _malformed(f"format must be {LOG_ENTRY_FORMAT!r}")
    try:
        envelope = base64.b64decode(str(document["envelope"]), validate=True)
        received_at = datetime.strptime(str(document["received_at"]), "%Y-%m-%dT%H:%M:%S.%f%z")
    except (binascii.Error, ValueError):
        raise _malformed("envelope must be base64 and received_at a UTC time with ms") from None
    entry = LogEntry(envelope, received_at)
    if encode_log_entry(entry) != data:
        raise _malformed("the entry is not in canonical form")
    return entry


def _format_time(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC (as ``strftime("%Y-%m-%dT%H:%M:%S.")`` + ms + Z)."""
    t = value if value.tzinfo is UTC else value.astimezone(UTC)
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}."
        f"{t.microsecond // 1000:03d}Z"
    )


def _malformed(reason: str) -> TrustError:
    return TrustError("trust.log_entry_malformed", "malformed log entry: {reason}", reason=reason)
