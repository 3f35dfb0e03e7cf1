"""``tanji audit``: re-verify the stored log and every stored sample against its envelope (R7.3).

Independent of the write path: leaves are recomputed from the stored envelope bytes and receive
times, the tree is rebuilt in memory and compared node by node with the stored nodes and with the
latest signed checkpoint (whose signature is checked with the platform's public key); each
envelope is decoded again and the samples it yields compared with the stored ones carrying its
id; lab analyses and review events are compared with their logged records
(:mod:`tanji.ingest.audit_records`), stored documents with their logged, attested hashes
(:mod:`tanji.ingest.audit_documents`). Every divergence is reported with where it is; nothing
stops at the first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from tanji.errors import CodedError
from tanji.evidence.checkpoints import latest_checkpoint
from tanji.evidence.log import leaf_data
from tanji.evidence.models import LogNode, RawEnvelope
from tanji.ingest.audit_documents import document_divergences
from tanji.ingest.audit_records import record_divergences
from tanji.ingest.audit_samples import sample_divergences
from tanji.trust.checkpoint import log_verifier, open_checkpoint
from tanji.trust.keys import PublicKey
from tanji.trust.merkle import MemoryNodeStore, MerkleTree

__all__ = ["Divergence", "audit"]


@dataclass(frozen=True)
class Divergence:
    """One finding: what kind, where (table and key), and what was expected."""

    kind: str
    location: str
    detail: str


def audit(platform_key: PublicKey, origin: str) -> list[Divergence]:
    """Every divergence between stored data, the log and the latest checkpoint."""
    found: list[Divergence] = []
    tree = MerkleTree(MemoryNodeStore())
    for expected, row in enumerate(RawEnvelope.objects.order_by("log_index").iterator()):
        found += _envelope_divergences(row, expected)
        tree.append(leaf_data(bytes(row.body), row.received_at))
        found += [Divergence(*d) for d in sample_divergences(row)]
    found += _node_divergences(tree)
    found += _checkpoint_divergences(tree, platform_key, origin)
    found += [Divergence(*d) for d in sample_divergences(None)]
    found += [Divergence(*d) for d in record_divergences(platform_key)]
    found += [Divergence(*d) for d in document_divergences(platform_key)]
    return found


def _envelope_divergences(row: RawEnvelope, expected_index: int) -> Iterator[Divergence]:
    where = f"evidence_rawenvelope id={row.pk} log_index={row.log_index}"
    if row.log_index != expected_index:
        yield Divergence(
            "log.index_gap", where, f"expected log index {expected_index}: rows deleted or moved"
        )
    digest = hashlib.sha256(bytes(row.body)).hexdigest()
    if digest != row.sha256:
        yield Divergence("envelope.digest", where, f"body hashes to {digest}, stored {row.sha256}")


def _node_divergences(tree: MerkleTree) -> Iterator[Divergence]:
    stored = {(n.level, n.index): bytes(n.digest) for n in LogNode.objects.all().iterator()}
    rebuilt: dict[tuple[int, int], bytes] = {}
    for level in range(tree.size.bit_length()):
        for index in range(tree.size >> level):
            rebuilt[(level, index)] = tree.store.get(level, index)
    for key in sorted(stored.keys() | rebuilt.keys()):
        where = f"evidence_lognode level={key[0]} index={key[1]}"
        if key not in stored:
            yield Divergence("log.node_missing", where, "node expected from the envelopes")
        elif key not in rebuilt:
            yield Divergence("log.node_extra", where, "node without an envelope")
        elif stored[key] != rebuilt[key]:
            yield Divergence("log.node_hash", where, "stored hash differs from the recomputed")


def _checkpoint_divergences(tree: MerkleTree, key: PublicKey, origin: str) -> Iterator[Divergence]:
    latest = latest_checkpoint()
    if latest is None:
        return
    where = f"evidence_signedcheckpoint id={latest.pk} size={latest.size}"
    try:
        checkpoint, _note = open_checkpoint(latest.note.encode(), log_verifier(origin, key))
    except CodedError as error:
        yield Divergence("checkpoint.signature", where, str(error))
        return
    if checkpoint.size > tree.size:
        yield Divergence("checkpoint.size", where, f"log holds only {tree.size} envelopes")
    elif tree.root(checkpoint.size) != checkpoint.root_hash:
        yield Divergence("checkpoint.root", where, "signed root differs from the recomputed")
