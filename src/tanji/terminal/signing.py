"""The terminal's use of ``tanji.trust``: seal batches, check what the platform signed.

Every inbound document (receipt, configuration, command) passes :func:`open_signed`, which
accepts only the expected DSSE payload type signed by a trusted, non-revoked platform key. Every
refusal is a :class:`TrustError` with a stable code, whatever layer found the fault.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from tanji.errors import CodedError
from tanji.protocols.readings import (
    BATCH_PAYLOAD_TYPE,
    DEVICE_FLAGS,
    MAX_READINGS_PER_BATCH,
    MAX_TAG_LENGTH,
    MAX_UNIT_LENGTH,
    Batch,
    BatchFormatError,
    Reading,
    encode_batch,
)
from tanji.trust import dsse
from tanji.trust.keys import PrivateKey, PublicKey


class TrustError(CodedError):
    """A signed document was refused (malformed, wrong type, unknown or revoked key, bad sig)."""


class Sealer:
    """Signs batches with the terminal's private key."""

    def __init__(self, device: str, key: PrivateKey) -> None:
        self.device = device
        self.key_id = key.public_key().key_id
        self._signer = key.signer()

    def seal(self, seq: int, created: datetime, readings: Sequence[Reading]) -> bytes:
        """DSSE envelope bytes of the batch with this sequence number.

        The checks :func:`~tanji.protocols.readings.decode_batch` would make are made here
        directly on the objects (a full decode round trip costs ~40 µs per reading in time
        parsing alone): a batch the platform would refuse must never enter the outbox, where
        it would be resent forever.
        """
        _check_batch(readings)
        batch = Batch(self.device, seq, created, tuple(readings))
        envelope = dsse.sign_envelope(BATCH_PAYLOAD_TYPE, encode_batch(batch), self._signer)
        return dsse.encode_envelope(envelope)


def _check_batch(readings: Sequence[Reading]) -> None:
    if not 1 <= len(readings) <= MAX_READINGS_PER_BATCH:
        raise BatchFormatError(
            "batch.bad_size",
            "batch must hold 1–{max} readings, got {n}",
            max=MAX_READINGS_PER_BATCH,
            n=len(readings),
        )
    for index, reading in enumerate(readings):
        for key, text, limit in (
            ("tag", reading.tag, MAX_TAG_LENGTH),
            ("unit", reading.unit, MAX_UNIT_LENGTH),
        ):
            if not text or len(text) > limit or not text.isprintable():
                raise BatchFormatError(
                    "batch.bad_text",
                    "{where}: field {key!r} must be 1–{max} printable characters",
                    where=f"readings[{index}]",
                    key=key,
                    max=limit,
                )
        if reading.flag not in DEVICE_FLAGS:
            raise BatchFormatError(
                "batch.bad_flag",
                "{where}: flag {flag} is the platform's",
                where=f"readings[{index}]",
                flag=str(reading.flag),
            )


def open_signed(
    data: bytes, payload_type: str, keys: Mapping[str, PublicKey], revoked: Collection[str] = ()
) -> bytes:
    """Verify a DSSE envelope from the platform and return its payload.

    Only ``payload_type`` is accepted, signed by one of ``keys`` (by key id) not listed in
    ``revoked``; anything else raises :class:`TrustError`.
    """
    try:
        envelope = dsse.decode_envelope(data)
    except ValueError as exc:
        raise TrustError(
            "trust.malformed", "not a DSSE envelope: {error}", error=str(exc)
        ) from None
    if envelope.payload_type != payload_type:
        raise TrustError(
            "trust.wrong_type",
            "expected payload type {expected}, got {got}",
            expected=payload_type,
            got=envelope.payload_type,
        )
    trusted = {kid: key for kid, key in keys.items() if kid not in revoked}
    signers = {s.keyid for s in envelope.signatures}
    if signers and signers <= set(revoked):
        raise TrustError(
            "trust.revoked_key",
            "signed only by revoked keys {keys}",
            keys=sorted(str(s) for s in signers),
        )
    try:
        dsse.verify_envelope(envelope, trusted)
    except ValueError as exc:  # CodedError subclasses ValueError
        raise TrustError(
            "trust.bad_signature", "signature refused: {error}", error=str(exc)
        ) from None
    return envelope.payload
