"""Records a person signed with their own key, logged exactly as received (ADR 0231).

The DSSE envelope bytes the person sent are the log leaf's envelope and the stored
:class:`RawEnvelope` body, trust level ``user_signed``; a :class:`SignedEntry` names the key,
the nonce (unique per user: a replay fails on the constraint even between two concurrent
requests) and the lab analysis the submission created. Verification is the caller's
(:mod:`tanji.ingest.signed_lab`); this module only stores, inside the caller's transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.log import log_envelope
from tanji.evidence.models import RawEnvelope, SignedEntry
from tanji.protocols.records import signed_as_lab_record
from tanji.trust.dsse import decode_envelope

__all__ = ["earlier_entry", "record_signed_entry", "signed_lab_record"]


def earlier_entry(user_id: int, nonce: str) -> SignedEntry | None:
    """The user's accepted entry with this nonce, with its envelope row, if there is one."""
    return (
        SignedEntry.objects.select_related("envelope", "key")
        .filter(user_id=user_id, nonce=nonce)
        .first()
    )


def record_signed_entry(
    body: bytes, *, enterprise_id: int, user_id: int, key_pk: int, nonce: str, analysis_id: int
) -> RawEnvelope:
    """Append the envelope as received and store it with its key, nonce and analysis."""
    received_at = datetime.now(UTC)
    with transaction.atomic():
        row = log_envelope(
            body,
            received_at,
            enterprise_id=enterprise_id,
            user_id=user_id,
            channel=ChannelChoices.RECORD,
            trust_level=TrustLevelChoices.USER_SIGNED,
        )
        SignedEntry.objects.create(
            envelope=row, key_id=key_pk, user_id=user_id, nonce=nonce, analysis_id=analysis_id
        )
    return row


def signed_lab_record(row: RawEnvelope) -> bytes:
    """The lab record of a ``user_signed`` row (its signature is not checked here).

    Raises:
        TrustError: the body is not a DSSE envelope.
        RecordFormatError: its payload is not a signed lab record.
    """
    entry = SignedEntry.objects.get(envelope=row)
    payload = decode_envelope(bytes(row.body)).payload
    return signed_as_lab_record(payload, int(entry.analysis_id or 0))
