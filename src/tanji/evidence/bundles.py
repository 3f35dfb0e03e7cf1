"""Evidence bundle export: signed envelopes of a period, with proofs to a fresh checkpoint.

The bundle (``trust.bundle_document`` format) holds each envelope's log entry, its inclusion
proof, the enrolled keys of the enterprise and the signed checkpoint, so ``tanji verify`` can
check it offline (R7.3). Only source-signed envelopes are exported: unsigned input (HJ 212,
manual entry) is logged too, but a bundle can prove nothing about who produced it.

Given a :class:`~tanji.evidence.figures.FigureSpec`, the bundle also claims a figure computed
from exactly the exported payloads (and the shipped factor library, whose version and digest
it names, and whose entries the figure uses it carries), which ``tanji verify`` recomputes
(R8.2). A figure reading lab results (``lab.<line>.…`` tags) also exports the newest lab
record of every analysis of those lines sampled in the figure's period, as logged: bare,
attested by the platform for the signed-in user, or signed by the person (ADR 0181, 0210); a
figure reading counters also exports the envelope of each counter's last reading before the
period (ADR 0211; :mod:`tanji.evidence.bundle_inputs`). The newest checkpoint the provincial witness
cosigned is included with the witness's verifier key (ADR 0182).
"""

from __future__ import annotations

from datetime import datetime

from tanji.accounting.factors import load_library
from tanji.evidence import bundle_inputs, queries
from tanji.evidence.attestation import open_attestation
from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.choices import TrustLevelChoices
from tanji.evidence.figures import FigureSpec, bundle_factors, claim_figure
from tanji.evidence.log import leaf_data, open_tree
from tanji.evidence.models import RawEnvelope, SignedCheckpoint, TerminalKey
from tanji.evidence.services import key_record, user_key_record
from tanji.evidence.witness import cosign, witness_verifier_key
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import Enterprise, UserKey
from tanji.tenancy.permissions import Action
from tanji.trust.bundle_document import (
    BundleFactor,
    EvidenceBundle,
    FigureClaim,
    bundle_key,
    bundle_record,
)
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
    witness: tuple[PrivateKey, str] | None = None,
) -> EvidenceBundle:
    """The bundle of the enterprise's signed envelopes received in ``[start, end)``.

    With ``witness`` (key, name) the checkpoint is cosigned by the provincial witness and the
    bundle carries the cosigned note and the witness's verifier key.

    Raises:
        AccountingError: ``figure`` cannot be computed from these envelopes (named input).
    """
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EXPORT_EVIDENCE, enterprise)
    signed = _signed_envelopes(actor, enterprise, start, end, device_id)
    if figure is not None:
        signed = bundle_inputs.baseline_envelopes(enterprise, figure, signed) + signed
    rows = [(f"envelope-{r.pk}", "batch", r) for r in signed]
    if figure is not None:
        labs = bundle_inputs.lab_records(enterprise, figure, (start, end))
        rows += [(f"lab-{r.pk}", bundle_inputs.lab_kind(r), r) for r in labs]
    claim, library = None, None
    factors: tuple[BundleFactor, ...] = ()
    if figure is not None:  # before the checkpoint: a refused figure leaves no trace
        payloads = {rid: (bytes(r.body), kind) for rid, kind, r in rows}
        claim, library, factors = _figure(figure, payloads)
    checkpoint, note, witnesses = _checkpoint(key, origin, witness)
    tree = open_tree()
    records = tuple(
        bundle_record(
            rid, kind, leaf_data(bytes(r.body), r.received_at), r.log_index, tree, checkpoint.size
        )
        for rid, kind, r in rows
    )
    keys = [
        key_record(k)
        for k in TerminalKey.objects.select_related("device").filter(device__enterprise=enterprise)
    ]
    people = UserKey.objects.select_related("user").filter(enterprise=enterprise).order_by("pk")
    keys += [user_key_record(k) for k in people]  # lab records signed by their authors
    return EvidenceBundle(
        suite=key.suite,
        tenant=str(enterprise.pk),
        verifier_key=verifier_key(log_verifier(origin, key.public_key())),
        checkpoint=note.encode("utf-8"),
        witnesses=witnesses,
        keys=tuple(bundle_key(k) for k in keys),
        records=records,
        factor_library=library,
        figure=claim,
        factors=factors,
    )


def _checkpoint(
    key: PrivateKey, origin: str, witness: tuple[PrivateKey, str] | None
) -> tuple[SignedCheckpoint, str, tuple[str, ...]]:
    """A fresh checkpoint, its note (cosigned when a witness is given) and witness keys."""
    checkpoint = issue_checkpoint(key, origin)
    if witness is None:
        return checkpoint, checkpoint.note, ()
    cosigned = cosign(checkpoint, witness=witness[0], name=witness[1], log_key=key, origin=origin)
    return checkpoint, cosigned.note, (witness_verifier_key(*witness),)


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


def _figure(
    spec: FigureSpec, records: dict[str, tuple[bytes, str]]
) -> tuple[FigureClaim, dict[str, str], tuple[BundleFactor, ...]]:
    """The claim over the records' payloads, the library it used and the entries it read."""
    shipped = load_library()
    payloads = {rid: _payload(body, kind) for rid, (body, kind) in records.items()}
    claim = claim_figure(spec, payloads, shipped)
    factors = bundle_factors(spec.inputs, shipped)
    return claim, {"version": shipped.version, "digest": shipped.digest}, factors


def _payload(body: bytes, kind: str) -> bytes:
    """What the figure reads of a record: a bare lab record, an attested one, a signed payload."""
    if kind == "lab":
        return body
    if kind == "lab-attested":
        return open_attestation(body).record
    return decode_envelope(body).payload
