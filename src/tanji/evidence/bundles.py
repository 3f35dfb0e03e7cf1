"""Evidence bundle export: signed envelopes of a period, with proofs to a fresh checkpoint.

The bundle (``trust.bundle_document`` format) holds each envelope's log entry, its inclusion
proof, the enrolled keys of the enterprise and the signed checkpoint, so ``tanji verify`` can
check it offline (R7.3). Only source-signed envelopes are exported: unsigned input (HJ 212,
manual entry) is logged too, but a bundle can prove nothing about who produced it.

Given a :class:`~tanji.evidence.figures.FigureSpec`, the bundle also claims a figure computed
from exactly the exported payloads (and the shipped factor library, whose version and digest
it names), which ``tanji verify`` recomputes (R8.2).
"""

from __future__ import annotations

from datetime import datetime

from tanji.accounting.factors import load_library
from tanji.evidence import queries
from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.choices import TrustLevelChoices
from tanji.evidence.figures import FigureSpec, claim_figure
from tanji.evidence.log import leaf_data, open_tree
from tanji.evidence.models import RawEnvelope, TerminalKey
from tanji.evidence.services import key_record
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import Enterprise
from tanji.tenancy.permissions import Action
from tanji.trust.bundle_document import EvidenceBundle, FigureClaim, bundle_key, bundle_record
from tanji.trust.checkpoint import log_verifier
from tanji.trust.dsse import decode_envelope
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
    figure: FigureSpec | None = None,
) -> EvidenceBundle:
    """The bundle of the enterprise's signed envelopes received in ``[start, end)``.

    Raises:
        AccountingError: ``figure`` cannot be computed from these envelopes (named input).
    """
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EXPORT_EVIDENCE, enterprise)
    rows = _signed_envelopes(actor, enterprise, start, end, device_id)
    claim, library = None, None
    if figure is not None:  # before the checkpoint: a refused figure leaves no trace
        claim, library = _figure(figure, {f"envelope-{row.pk}": bytes(row.body) for row in rows})
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
        factor_library=library,
        figure=claim,
    )


def _signed_envelopes(
    actor: Actor, enterprise: Enterprise, start: datetime, end: datetime, device_id: str
) -> list[RawEnvelope]:
    """The source-signed envelopes received in ``[start, end)`` (of one device if given)."""
    rows = queries.envelopes(actor).filter(
        enterprise=enterprise,
        received_at__gte=start,
        received_at__lt=end,
        trust_level=TrustLevelChoices.SIGNED,
    )
    if device_id:
        rows = rows.filter(device__device_id=device_id)
    return list(rows)


def _figure(spec: FigureSpec, envelopes: dict[str, bytes]) -> tuple[FigureClaim, dict[str, str]]:
    """The claim over the envelopes' payloads, and the factor library it was computed with."""
    shipped = load_library()
    payloads = {rid: decode_envelope(body).payload for rid, body in envelopes.items()}
    claim = claim_figure(spec, payloads, shipped)
    return claim, {"version": shipped.version, "digest": shipped.digest}
