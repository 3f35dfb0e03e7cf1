"""Platform records in the transparency log: lab results and review decisions (R4.2.2, R7.3).

A record (:mod:`tanji.protocols.records`) is stored like any other input, as a
:class:`RawEnvelope` on the ``record`` channel with no samples. When the web layer states how
the submitting user authenticated (:func:`tanji.evidence.attestation.submitting`), the stored
envelope is the platform's signed attestation of the record and the user, trust level
``session_attested`` (ADR 0210); otherwise (no credential, or an installation without a
platform key, which then cannot sign receipts either) the bare record, trust level
``unsigned``. The
append runs inside the caller's transaction, the one that writes the rows the record
describes, so a row cannot be stored without its leaf nor a leaf without its row.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tanji.evidence.attestation import attest, current_credential, open_attestation
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.log import log_envelope
from tanji.evidence.models import RawEnvelope
from tanji.evidence.signed_entries import signed_lab_record
from tanji.evidence.signing import has_platform_key
from tanji.protocols.records import parse_record

__all__ = ["attested", "log_attested", "record_platform_record", "stored_record"]


def record_platform_record(body: bytes, enterprise_id: int, user_id: int | None) -> int:
    """Append a canonical platform record; return the id of its :class:`RawEnvelope`.

    Raises:
        RecordFormatError: ``body`` is not a canonical record (nothing is appended).
    """
    parse_record(body)
    return int(log_attested(body, enterprise_id, user_id, ChannelChoices.RECORD).pk)


def log_attested(body: bytes, enterprise_id: int, user_id: int | None, channel: str) -> RawEnvelope:
    """Append ``body`` now, as the platform's attestation when :func:`attested` can give one."""
    received_at = datetime.now(UTC)
    envelope, trust = attested(body, enterprise_id, user_id, received_at)
    return log_envelope(
        envelope,
        received_at,
        enterprise_id=enterprise_id,
        user_id=user_id,
        channel=channel,
        trust_level=trust,
    )


def attested(
    body: bytes, enterprise_id: int, user_id: int | None, received_at: datetime
) -> tuple[bytes, TrustLevelChoices]:
    """The envelope to log for ``body`` and its trust level (ADR 0210, 0230).

    With a submitting user, a stated credential and a platform key: the platform's attestation,
    ``session_attested``; otherwise the bare record, ``unsigned``.
    """
    credential = current_credential() if user_id is not None else None
    if credential is None or user_id is None or not has_platform_key():
        return body, TrustLevelChoices.UNSIGNED
    envelope = attest(body, enterprise_id, user_id, credential, received_at)
    return envelope, TrustLevelChoices.SESSION_ATTESTED


def stored_record(row: RawEnvelope) -> bytes:
    """The platform record a ``record``-channel envelope holds (unwrapping an attestation).

    For a ``user_signed`` row: the lab record of the analysis its signed record made. The
    attestation's or person's signature is not checked here: ``tanji audit`` and
    ``tanji verify`` do.

    Raises:
        AttestationError: an attested row whose body is not an attestation.
    """
    body = bytes(row.body)
    if row.trust_level == TrustLevelChoices.SESSION_ATTESTED:
        return open_attestation(body).record
    if row.trust_level == TrustLevelChoices.USER_SIGNED:
        return signed_lab_record(row)
    return body
