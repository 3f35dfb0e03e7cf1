"""A small platform that does what the ingest side promises a terminal, in memory.

It verifies each batch envelope against the enrolled terminal keys, refuses revoked keys,
de-duplicates on ``(device, seq)`` (a repeat gets a ``duplicate`` receipt naming the original
log index, a different envelope under a used ``seq`` is refused) and signs a receipt with the
platform key. Tests and benchmarks use it to check end-to-end delivery sample by sample.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tanji.errors import CodedError
from tanji.protocols.readings import BATCH_PAYLOAD_TYPE, Batch, decode_batch
from tanji.protocols.receipts import RECEIPT_PAYLOAD_TYPE, Receipt, encode_receipt
from tanji.trust import dsse
from tanji.trust.keys import PrivateKey, PublicKey


class PlatformRefusal(CodedError):
    """The simulated platform refused an envelope."""


@dataclass
class ReceiptingPlatform:
    """Stores batches and answers with signed receipts.

    Attributes:
        key: the platform signing key.
        terminals: enrolled terminal keys by key id.
        revoked: revoked terminal key ids.
        clock: platform clock (tests skew it to rehearse drift).
        verify: verify terminal signatures (benchmarks measuring the terminal switch it off).
    """

    key: PrivateKey
    terminals: dict[str, PublicKey] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    verify: bool = True
    batches: dict[tuple[str, int], Batch] = field(default_factory=dict)
    digests: dict[tuple[str, int], tuple[bytes, int]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    log_size: int = 0

    def enrol(self, public_key: PublicKey) -> None:
        """Trust a terminal key."""
        self.terminals[public_key.key_id] = public_key

    def _open(self, data: bytes) -> Batch:
        envelope = dsse.decode_envelope(data)
        if envelope.payload_type != BATCH_PAYLOAD_TYPE:
            raise PlatformRefusal("platform.wrong_type", "not a batch envelope")
        if self.verify:
            trusted = {k: v for k, v in self.terminals.items() if k not in self.revoked}
            dsse.verify_envelope(envelope, trusted)
        return decode_batch(envelope.payload)

    def ingest(self, data: bytes) -> bytes:
        """Commit (in memory) and return the signed receipt; raises on refusal."""
        try:
            batch = self._open(data)
        except ValueError as exc:
            self.refused.append(str(exc))
            raise
        key = (batch.device, batch.seq)
        digest = hashlib.sha256(data).digest()
        status = "accepted"
        if key in self.digests:
            if self.digests[key][0] != digest:
                self.refused.append(f"seq {batch.seq} reused")
                raise PlatformRefusal(
                    "platform.seq_reused", "seq {seq} already holds another envelope", seq=batch.seq
                )
            status, index = "duplicate", self.digests[key][1]
        else:
            index = self.log_size
            self.log_size += 1
            self.digests[key] = (digest, index)
            self.batches[key] = batch
        receipt = Receipt(batch.device, batch.seq, digest, index, status, self.clock())
        envelope = dsse.sign_envelope(
            RECEIPT_PAYLOAD_TYPE, encode_receipt(receipt), self.key.signer()
        )
        return dsse.encode_envelope(envelope)

    def answer(self, data: bytes) -> bytes | None:
        """Like :meth:`ingest`, but a refusal yields no receipt (as a network peer would)."""
        try:
            return self.ingest(data)
        except ValueError:
            return None

    def samples(self, device: str) -> list[tuple[str, datetime, float]]:
        """Every stored reading of a device, in sequence order."""
        out: list[tuple[str, datetime, float]] = []
        for (dev, _seq), batch in sorted(self.batches.items()):
            if dev == device:
                out.extend((r.tag, r.time, r.value) for r in batch.readings)
        return out
