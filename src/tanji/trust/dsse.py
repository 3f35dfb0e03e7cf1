"""DSSE v1 envelopes: the signed wrapper of every batch, receipt and record (R4.2.1).

Dead Simple Signing Envelope (secure-systems-lab/dsse, protocol v1): the signature covers the
pre-authentication encoding ``PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP
body`` (lengths as ASCII decimal), so a payload can never be re-read under another type and the
body is signed as bytes, never re-serialised. The JSON form is the standard one::

    {"payload": "<base64>", "payloadType": "<type>",
     "signatures": [{"keyid": "<key id>", "sig": "<base64>"}]}

Decoding is strict (ADR 0031): exactly these members, standard padded base64, a non-empty
``keyid`` per signature, bounded sizes; each violation has its own code.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tanji.trust.errors import EnvelopeFormatError, SignatureError
from tanji.trust.keys import PublicKey, Signer

__all__ = [
    "MAX_ENVELOPE_BYTES",
    "MAX_SIGNATURES",
    "Envelope",
    "EnvelopeSignature",
    "decode_envelope",
    "encode_envelope",
    "pae",
    "sign_envelope",
    "verify_envelope",
]

MAX_ENVELOPE_BYTES = 16 * 1024 * 1024
MAX_SIGNATURES = 16
_ENVELOPE_KEYS = frozenset({"payload", "payloadType", "signatures"})
_SIGNATURE_KEYS = frozenset({"keyid", "sig"})


@dataclass(frozen=True)
class EnvelopeSignature:
    """One signature: the signer's key id and the raw signature bytes."""

    keyid: str
    sig: bytes


@dataclass(frozen=True)
class Envelope:
    """A payload of a declared type with one or more signatures over its PAE."""

    payload_type: str
    payload: bytes
    signatures: tuple[EnvelopeSignature, ...]


def pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSE v1 pre-authentication encoding of ``payload`` under ``payload_type``."""
    type_bytes = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(type_bytes), type_bytes, len(payload), payload)


def sign_envelope(payload_type: str, payload: bytes, signer: Signer) -> Envelope:
    """Sign ``payload`` and wrap it with one signature by ``signer``."""
    signature = EnvelopeSignature(signer.key_id, signer.sign(pae(payload_type, payload)))
    return Envelope(payload_type, payload, (signature,))


def encode_envelope(envelope: Envelope) -> bytes:
    """The standard DSSE JSON (UTF-8, keys sorted, no whitespace): stable bytes to store."""
    document = {
        "payload": base64.b64encode(envelope.payload).decode("ascii"),
        "payloadType": envelope.payload_type,
        "signatures": [
            {"keyid": s.keyid, "sig": base64.b64encode(s.sig).decode("ascii")}
            for s in envelope.signatures
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def decode_envelope(data: bytes) -> Envelope:
    """Parse DSSE JSON strictly.

    Raises:
        EnvelopeFormatError: with codes ``trust.envelope_too_large``, ``trust.envelope_json``,
            ``trust.envelope_members``, ``trust.envelope_field_type``, ``trust.envelope_base64``,
            ``trust.envelope_no_signatures``, ``trust.envelope_too_many_signatures`` or
            ``trust.envelope_signature_members``; ``field`` names the offending member.
    """
    if len(data) > MAX_ENVELOPE_BYTES:
        raise EnvelopeFormatError(
            "trust.envelope_too_large",
            "envelope is {size} bytes; at most {limit} are accepted",
            size=len(data),
            limit=MAX_ENVELOPE_BYTES,
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnvelopeFormatError(
            "trust.envelope_json", "envelope is not UTF-8 JSON: {reason}", reason=str(exc)
        ) from None
    _require_members(document, _ENVELOPE_KEYS, "envelope")
    payload_type = _require_str(document["payloadType"], "payloadType")
    payload = _b64(document["payload"], "payload")
    raw_signatures = document["signatures"]
    if not isinstance(raw_signatures, list):
        raise _type_error("signatures", "a list")
    if not raw_signatures:
        raise EnvelopeFormatError(
            "trust.envelope_no_signatures", "envelope has no signatures (at least one expected)"
        )
    if len(raw_signatures) > MAX_SIGNATURES:
        raise EnvelopeFormatError(
            "trust.envelope_too_many_signatures",
            "envelope has {count} signatures; at most {limit} are accepted",
            count=len(raw_signatures),
            limit=MAX_SIGNATURES,
        )
    return Envelope(
        payload_type, payload, tuple(_signature(s, i) for i, s in enumerate(raw_signatures))
    )


def verify_envelope(envelope: Envelope, keys: Mapping[str, PublicKey]) -> PublicKey:
    """Verify ``envelope`` against trusted ``keys`` (key id → key); return the key that verified.

    Signatures by key ids not in ``keys`` are ignored (another party may co-sign); but a
    signature by a known key that fails rejects the whole envelope, because a known key signing
    something else under this payload is itself a sign of tampering.

    Raises:
        SignatureError: ``trust.bad_signature`` (a known key's signature fails) or
            ``trust.unknown_key`` (no signature is by a known key).
    """
    message = pae(envelope.payload_type, envelope.payload)
    verified: PublicKey | None = None
    for index, signature in enumerate(envelope.signatures):
        key = keys.get(signature.keyid)
        if key is None:
            continue
        if key.key_id != signature.keyid or not key.verify(message, signature.sig):
            raise SignatureError(
                "trust.bad_signature",
                "signature {index} by key {keyid} does not verify over payload type {type!r}",
                index=index,
                keyid=signature.keyid,
                type=envelope.payload_type,
            )
        verified = verified or key
    if verified is None:
        raise SignatureError(
            "trust.unknown_key",
            "no signature is by a trusted key (key ids {keyids})",
            keyids=", ".join(s.keyid for s in envelope.signatures),
        )
    return verified


def _signature(raw: Any, index: int) -> EnvelopeSignature:
    field = f"signatures[{index}]"
    if not isinstance(raw, dict) or set(raw) != _SIGNATURE_KEYS:
        raise EnvelopeFormatError(
            "trust.envelope_signature_members",
            "{field} must be an object with exactly the members keyid and sig",
            field=field,
        )
    keyid = _require_str(raw["keyid"], f"{field}.keyid")
    if not keyid:
        raise _type_error(f"{field}.keyid", "a non-empty key id")
    return EnvelopeSignature(keyid, _b64(raw["sig"], f"{field}.sig"))


def _require_members(document: Any, members: frozenset[str], field: str) -> None:
    if not isinstance(document, dict) or set(document) != members:
        found = sorted(document) if isinstance(document, dict) else type(document).__name__
        raise EnvelopeFormatError(
            "trust.envelope_members",
            "{field} must be an object with exactly the members {expected}; found {found}",
            field=field,
            expected=", ".join(sorted(members)),
            found=found,
        )


def _require_str(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise _type_error(field, "a string")
    try:
        value.encode("utf-8")  # JSON escapes can smuggle in lone surrogates
    except UnicodeEncodeError:
        raise _type_error(field, "valid Unicode text") from None
    return value


def _type_error(field: str, expected: str) -> EnvelopeFormatError:
    return EnvelopeFormatError(
        "trust.envelope_field_type", "{field} must be {expected}", field=field, expected=expected
    )


def _b64(value: Any, field: str) -> bytes:
    text = _require_str(value, field)
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        decoded = None
    # Re-encoding rejects non-canonical forms ("QR==" for "QQ=="): one envelope, one encoding.
    if decoded is None or base64.b64encode(decoded).decode("ascii") != text:
        raise EnvelopeFormatError(
            "trust.envelope_base64", "{field} is not canonical standard padded base64", field=field
        )
    return decoded
