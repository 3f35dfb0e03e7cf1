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

from tanji.ingest.grouped import commit_group
from tanji.ingest.model import Committed, Refused, Validated
from tanji.protocols.receipts import RECEIPT_PAYLOAD_TYPE, Receipt, encode_receipt
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey

__all__ = ["commit", "receipt_for"]


def commit(validated: Validated) -> Committed:
    """De-duplicate and store one submission (a group of one, see the module docstring).

    Raises:
        Refused: ``ingest.seq_reused`` (nothing was written).
    """
    result = commit_group([validated])[0]
    if isinstance(result, Refused):
        raise result
    return result


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
