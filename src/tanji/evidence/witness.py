"""The provincial witness: cosign the enterprise log's checkpoints (R4.2.2, ADR 0182).

What the witness does is :func:`tanji.trust.checkpoint.witness_cosign` (C2SP tlog-witness):
verify the log's signature on the checkpoint, check it is consistent with the last checkpoint
this witness cosigned (an RFC 9162 consistency proof from the log), then add a timestamped
cosignature. Here the enterprise deployment and the demo province share one process, so the
witness reads the proof from the database and stores its cosigned note beside the checkpoint;
its key is a separate key (``TANJI_WITNESS_KEY_*``), never the platform's.

Cosigning runs on demand (bundle export, the API) and on a schedule
(``tanji manage witness --every SECONDS``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from tanji.evidence.checkpoints import consistency_proof, issue_checkpoint
from tanji.evidence.models import SignedCheckpoint, WitnessCosignature
from tanji.trust.checkpoint import cosigner, log_verifier, parse_checkpoint, witness_cosign
from tanji.trust.keys import PrivateKey
from tanji.trust.note import parse_note, verifier_key

__all__ = ["cosign", "witness_checkpoint", "witness_verifier_key"]


def witness_verifier_key(witness: PrivateKey, name: str) -> str:
    """The witness's verifier key text (what a verifier pins with ``--witness-key``)."""
    return verifier_key(cosigner(name, witness.public_key()))


@transaction.atomic
def cosign(
    row: SignedCheckpoint,
    *,
    witness: PrivateKey,
    name: str,
    log_key: PrivateKey,
    origin: str,
    now: datetime | None = None,
) -> WitnessCosignature:
    """Cosign ``row`` (once per witness); refuse a log inconsistent with the last one cosigned.

    Raises:
        SignatureError, CheckpointError, ProofError: the checkpoint's signature does not verify
            or the log is not an extension of what the witness saw (nothing is stored).
    """
    existing = WitnessCosignature.objects.filter(checkpoint=row, witness=name).first()
    if existing is not None:
        return existing
    last = WitnessCosignature.objects.filter(witness=name).order_by("-size", "-id").first()
    previous = None if last is None else parse_checkpoint(parse_note(last.note.encode()).text)
    proof = (
        consistency_proof(previous.size, row.size)
        if previous is not None and 0 < previous.size < row.size
        else []
    )
    moment = now or datetime.now(UTC)
    _, note = witness_cosign(
        row.note.encode(),
        log_verifier(origin, log_key.public_key()),
        previous,
        proof,
        name,
        witness.signer(),
        int(moment.timestamp()),
    )
    return WitnessCosignature.objects.create(
        checkpoint=row, witness=name, size=row.size, note=note.decode(), cosigned_at=moment
    )


def witness_checkpoint(
    *, log_key: PrivateKey, origin: str, witness: PrivateKey, name: str
) -> WitnessCosignature:
    """Sign the current head and have the witness cosign it (the scheduled job's one step)."""
    return cosign(
        issue_checkpoint(log_key, origin), witness=witness, name=name, log_key=log_key,
        origin=origin,
    )  # fmt: skip
