"""Stages 4–6: de-duplicate, commit (one transaction), receipt.

Contract of :func:`commit`: inside ONE transaction, with the log locked, either find the
envelope already stored (same device and ``seq`` — or, without ``seq``, the same digest) and
return it as ``duplicate``, or write the raw envelope, its samples (each carrying the envelope's
id) and the log leaf. A different envelope under a used ``seq`` is refused (no receipt). Only
this stage writes.

Contract of :func:`receipt_for`: a platform-signed DSSE receipt (``protocols.receipts``) for a
committed signed batch, built only after the transaction committed (uplink contract).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np
from django.db import connection, transaction

from tanji.evidence.log import append_envelope, lock_log
from tanji.evidence.models import RawEnvelope
from tanji.ingest.model import Committed, Refused, Validated
from tanji.protocols.receipts import RECEIPT_PAYLOAD_TYPE, Receipt, encode_receipt
from tanji.timeseries.samples import SampleBatch
from tanji.timeseries.store import store_for
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey

__all__ = ["commit", "receipt_for"]


def _existing(validated: Validated, digest: str) -> RawEnvelope | None:
    decoded = validated.decoded
    device = decoded.auth.device
    if device is None:
        return None
    rows = RawEnvelope.objects.filter(device=device).only(
        "pk", "log_index", "sha256", "received_at"
    )
    if decoded.seq is not None:
        found = rows.filter(seq=decoded.seq).first()
        if found is not None and found.sha256 != digest:
            raise Refused(
                "ingest.seq_reused",
                "device {device} already sent a different envelope under seq {seq}",
                device=device.device_id,
                seq=decoded.seq,
            )
        return found
    return rows.filter(sha256=digest).first()


def commit(validated: Validated) -> Committed:
    """De-duplicate and store (see the module docstring)."""
    sub = validated.decoded.auth.submission
    digest = hashlib.sha256(sub.body).hexdigest()
    with transaction.atomic():
        lock_log()
        found = _existing(validated, digest)
        if found is not None:
            return Committed(found.pk, found.log_index, "duplicate", validated, found.received_at)
        index = append_envelope(sub.body, sub.received_at)
        envelope = _create_envelope(validated, digest, index)
        rows = validated.rows
        store_for(connection).write(
            SampleBatch(
                tag_id=np.fromiter((r[0] for r in rows), np.int64, len(rows)),
                ts=np.fromiter((r[1] for r in rows), np.int64, len(rows)),
                value=np.fromiter((r[2] for r in rows), np.float64, len(rows)),
                flag=np.array([r[3] for r in rows], dtype="<U1"),
                evidence_id=np.full(len(rows), envelope.pk, dtype=np.int64),
            )
        )
    return Committed(envelope.pk, index, "accepted", validated, datetime.now(UTC))


def _create_envelope(validated: Validated, digest: str, index: int) -> RawEnvelope:
    auth = validated.decoded.auth
    sub = auth.submission
    return RawEnvelope.objects.create(
        enterprise_id=auth.enterprise_id,
        device=auth.device,
        submitted_by_id=sub.actor.user_id if sub.actor is not None else None,
        channel=sub.channel,
        trust_level=auth.trust_level,
        body=sub.body,
        sha256=digest,
        seq=validated.decoded.seq,
        received_at=sub.received_at,
        log_index=index,
        sample_count=len(validated.rows),
    )


def receipt_for(committed: Committed, key: PrivateKey) -> bytes:
    """The signed receipt envelope bytes of a committed signed batch."""
    assert committed.validated is not None
    decoded = committed.validated.decoded
    assert decoded.auth.device is not None
    assert decoded.seq is not None
    receipt = Receipt(
        device=decoded.auth.device.device_id,
        seq=decoded.seq,
        envelope_sha256=hashlib.sha256(decoded.auth.submission.body).digest(),
        log_index=committed.log_index,
        status=committed.status,
        time=datetime.now(UTC),
    )
    envelope = sign_envelope(RECEIPT_PAYLOAD_TYPE, encode_receipt(receipt), key.signer())
    return encode_envelope(envelope)
