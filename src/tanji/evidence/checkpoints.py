"""Signed checkpoints of the log, quarantine records, and proofs served to verifiers.

A checkpoint is issued on demand (after an export, from the API) and by the periodic job
:func:`issue_checkpoint_job`; it is a c2sp.org signed note the public endpoint serves, so anyone
holding the platform's verifier key can check inclusion and consistency proofs (R4.2.2, R7.3).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from tanji.evidence.log import lock_log, open_tree
from tanji.evidence.models import QuarantineEntry, SignedCheckpoint
from tanji.trust.checkpoint import Checkpoint, sign_checkpoint
from tanji.trust.keys import PrivateKey

__all__ = [
    "consistency_proof",
    "inclusion_proof",
    "issue_checkpoint",
    "issue_checkpoint_job",
    "latest_checkpoint",
    "quarantine",
]


@transaction.atomic
def issue_checkpoint(key: PrivateKey, origin: str) -> SignedCheckpoint:
    """Sign the current tree head (a new row only when the log grew)."""
    lock_log()
    tree = open_tree()
    last = SignedCheckpoint.objects.order_by("-size", "-id").first()
    if last is not None and last.size == tree.size:
        return last
    checkpoint = Checkpoint(origin=origin, size=tree.size, root_hash=tree.root())
    note = sign_checkpoint(checkpoint, origin, key.signer())
    return SignedCheckpoint.objects.create(
        size=tree.size,
        root_hash=checkpoint.root_hash,
        note=note.decode("utf-8"),
        issued_at=datetime.now(UTC),
    )


def issue_checkpoint_job() -> SignedCheckpoint:
    """The periodic job: sign the head with the process's platform key and origin."""
    from tanji.config import load_settings
    from tanji.evidence.signing import platform_key

    return issue_checkpoint(platform_key(), load_settings().log_origin)


def latest_checkpoint() -> SignedCheckpoint | None:
    """The newest signed checkpoint (public: it reveals only size and root)."""
    return SignedCheckpoint.objects.order_by("-size", "-id").first()


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """Audit path of leaf ``index`` in the tree of ``size`` leaves (RFC 9162 §2.1.3)."""
    return open_tree().inclusion_proof(index, size)


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    """Proof that the tree of ``size1`` leaves is a prefix of that of ``size2`` (§2.1.4)."""
    return open_tree().consistency_proof(size1, size2)


def quarantine(
    *,
    channel: str,
    body: bytes,
    reason: str,
    params: dict[str, Any],
    received_at: datetime,
    device_id: str = "",
    enterprise_id: int | None = None,
) -> QuarantineEntry:
    """Keep refused input with its reason code and parameters (its own transaction)."""
    safe = {k: v if isinstance(v, int | float | bool | None) else str(v) for k, v in params.items()}
    with transaction.atomic():
        return QuarantineEntry.objects.create(
            enterprise_id=enterprise_id,
            device_id=device_id[:64],
            channel=channel,
            reason=reason[:64],
            params=safe,
            body=body,
            received_at=received_at,
        )
