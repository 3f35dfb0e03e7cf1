"""Evidence bundle export: signed envelopes of a period, with proofs to a fresh checkpoint.

The bundle (``trust.bundle_document`` format) holds each envelope's log entry, its inclusion
proof, the enrolled keys of the enterprise and the signed checkpoint, so ``tanji verify`` can
check it offline (R7.3). Only source-signed envelopes are exported: unsigned input (HJ 212,
manual entry) is logged too, but a bundle can prove nothing about who produced it.
"""

from __future__ import annotations

from datetime import datetime

from tanji.evidence import queries
from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.choices import TrustLevelChoices
from tanji.evidence.log import leaf_data, open_tree
from tanji.evidence.models import TerminalKey
from tanji.evidence.services import key_record
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.trust.bundle_document import EvidenceBundle, bundle_key, bundle_record
from tanji.trust.checkpoint import log_verifier
from tanji.trust.keys import PrivateKey
from tanji.trust.note import verifier_key

__all__ = ["export_bundle"]


def export_bundle(
    actor: Actor,
    enterprise_id: int,
    start: datetime,
    end: datetime,
    *,
    key: PrivateKey,
    origin: str,
    device_id: str = "",
) -> EvidenceBundle:
    """The bundle of the enterprise's signed envelopes received in ``[start, end)``."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EXPORT_EVIDENCE, enterprise)
    rows = queries.envelopes(actor).filter(
        enterprise=enterprise,
        received_at__gte=start,
        received_at__lt=end,
        trust_level=TrustLevelChoices.SIGNED,
    )
    if device_id:
        rows = rows.filter(device__device_id=device_id)
    checkpoint = issue_checkpoint(key, origin)
    tree = open_tree()
    records = tuple(
        bundle_record(
            f"envelope-{row.pk}",
            "batch",
            leaf_data(bytes(row.body), row.received_at),
            row.log_index,
            tree,
            checkpoint.size,
        )
        for row in rows
    )
    keys = TerminalKey.objects.select_related("device").filter(device__enterprise=enterprise)
    return EvidenceBundle(
        suite=key.suite,
        tenant=str(enterprise.pk),
        verifier_key=verifier_key(log_verifier(origin, key.public_key())),
        checkpoint=checkpoint.note.encode("utf-8"),
        witnesses=(),
        keys=tuple(bundle_key(key_record(k)) for k in keys),
        records=records,
    )
