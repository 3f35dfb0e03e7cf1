"""Factories for trust tests: keys, a filled log, signed checkpoints and evidence bundles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tanji.trust.bundle_document import (
    EvidenceBundle,
    FigureClaim,
    FigureInput,
    bundle_key,
    bundle_record,
)
from tanji.trust.checkpoint import (
    Checkpoint,
    cosign_checkpoint,
    cosigner,
    log_verifier,
    sign_checkpoint,
)
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.entries import LogEntry, encode_log_entry
from tanji.trust.hashes import hasher_for
from tanji.trust.keys import PrivateKey, generate_private_key
from tanji.trust.lifecycle import KeyRecord
from tanji.trust.merkle import MerkleTree
from tanji.trust.note import format_note, parse_note, verifier_key
from tanji.trust.suites import get_suite

T0 = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)
COSIGNED_AT = int(datetime(2025, 6, 10, 12, 0, tzinfo=UTC).timestamp())
LOG_NAME = "platform.example/log/E-4201"
WITNESS_NAME = "province.example/witness"
PAYLOAD_TYPE = "application/vnd.tanji.batch.v1+json"


@dataclass
class Scenario:
    """A tenant's device key, a log with entries, a signed and cosigned checkpoint."""

    suite: str
    device: PrivateKey
    log_key: PrivateKey
    witness_key: PrivateKey
    tree: MerkleTree
    entries: list[bytes] = field(default_factory=list)
    key_records: list[KeyRecord] = field(default_factory=list)

    @property
    def log_vkey(self) -> str:
        return verifier_key(log_verifier(LOG_NAME, self.log_key.public_key()))

    @property
    def witness_vkey(self) -> str:
        return verifier_key(cosigner(WITNESS_NAME, self.witness_key.public_key()))

    def add(self, payload: bytes, received_at: datetime, signer: PrivateKey | None = None) -> int:
        envelope = sign_envelope(PAYLOAD_TYPE, payload, (signer or self.device).signer())
        entry = encode_log_entry(LogEntry(encode_envelope(envelope), received_at))
        self.entries.append(entry)
        return self.tree.append(entry)

    def signed_checkpoint(self, *, cosigned: bool = True) -> bytes:
        checkpoint = Checkpoint(LOG_NAME, self.tree.size, self.tree.root())
        data = sign_checkpoint(checkpoint, LOG_NAME, self.log_key)
        if not cosigned:
            return data
        note = cosign_checkpoint(parse_note(data), WITNESS_NAME, self.witness_key, COSIGNED_AT)
        return format_note(note)


def scenario(suite: str = "ed25519-sha256", records: int = 5) -> Scenario:
    hasher = hasher_for(get_suite(suite).hash_name)
    s = Scenario(
        suite,
        generate_private_key(suite),
        generate_private_key(suite),
        generate_private_key(suite),
        MerkleTree(hasher=hasher),
    )
    s.key_records.append(KeyRecord(s.device.public_key(), "T-4201-01", T0, tenant="E-4201"))
    for i in range(records):
        s.add(f'{{"seq":{i},"v":{10 + i}}}'.encode(), T0 + timedelta(minutes=i + 1))
    return s


def bundle(s: Scenario, *, figure: bool = True) -> EvidenceBundle:
    size = s.tree.size
    records = tuple(
        bundle_record(f"r{i}", "batch", entry, i, s.tree, size) for i, entry in enumerate(s.entries)
    )
    claim = FigureClaim(
        "gbt32151.8-2023/clinker-process",
        {"clinker_t": FigureInput("r0", "v"), "cao_fraction": FigureInput("r1", "v")},
        "10.5",
        "t CO2",
    )
    return EvidenceBundle(
        suite=s.suite,
        tenant="E-4201",
        verifier_key=s.log_vkey,
        checkpoint=s.signed_checkpoint(),
        witnesses=(s.witness_vkey,),
        keys=tuple(bundle_key(r) for r in s.key_records),
        records=records,
        factor_library={"version": "2025.1", "digest": "ab" * 32},
        figure=claim if figure else None,
    )
