"""Terminal throughput: sustained signed samples per second, and backlog drain after an outage.

Target (docs/performance.md): a day of 100 tags at 1 s — 8.64 M samples — drains in under
5 minutes while live data keeps flowing. The uplink is the in-memory one; the platform side
does only what the terminal depends on (hash the envelope, sign a receipt), so the figures are
the terminal's own. The backlog is prefilled with real signed envelopes whose readings repeat
(only ``seq`` differs) to keep the run short; the drain path never decodes readings.
"""

from __future__ import annotations

import hashlib
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tanji.protocols.readings import BATCH_PAYLOAD_TYPE, Batch, Reading, encode_batch
from tanji.protocols.receipts import RECEIPT_PAYLOAD_TYPE, Receipt, encode_receipt
from tanji.terminal.buffer import Outbox
from tanji.terminal.forwarder import Forwarder
from tanji.terminal.signing import Sealer
from tanji.terminal.uplink.memory import MemoryUplink
from tanji.trust import dsse
from tanji.trust.keys import PrivateKey, generate_private_key

DEVICE = "T-BENCH-01"
TAGS = 100
BATCH = 1000
BACKLOG_SAMPLES = 86_400 * TAGS
T0 = datetime(2025, 6, 10, tzinfo=UTC)


def _readings(start: datetime, count: int) -> list[Reading]:
    return [
        Reading(
            f"L1.TAG{i % TAGS:03d}", start + timedelta(seconds=i // TAGS), 100.0 + i % 97, "t/h"
        )
        for i in range(count)
    ]


def _sustained(directory: Path, key: PrivateKey) -> Iterator[str]:
    sealer = Sealer(DEVICE, key)
    outbox = Outbox(directory / "sustained.sqlite3")
    chunk = _readings(T0, BATCH)
    batches = 200
    started = time.perf_counter()
    for _ in range(batches):
        outbox.append(lambda seq: (sealer.seal(seq, T0, chunk), BATCH))
    elapsed = time.perf_counter() - started
    outbox.close()
    yield (
        f"seal + durable append (synchronous=FULL), {BATCH}-reading batches: "
        f"{batches * BATCH / elapsed:,.0f} samples/s ({batches / elapsed:,.0f} batches/s)"
    )


class _Platform:
    """Hash, sign a receipt: the platform's part of the contract, nothing more."""

    def __init__(self, key: PrivateKey) -> None:
        self.signer = key.signer()
        self.index = 0

    def __call__(self, data: bytes) -> bytes:
        payload = dsse.decode_envelope(data).payload
        seq = int(payload.rsplit(b'"seq":', 1)[1].rstrip(b"}"))  # keys are sorted: seq is last
        receipt = Receipt(
            DEVICE, seq, hashlib.sha256(data).digest(), self.index, "accepted", datetime.now(UTC)
        )
        self.index += 1
        signed = dsse.sign_envelope(RECEIPT_PAYLOAD_TYPE, encode_receipt(receipt), self.signer)
        return dsse.encode_envelope(signed)


def _prefill(path: Path, key: PrivateKey, samples: int) -> float:
    template = encode_batch(Batch(DEVICE, 0, T0, tuple(_readings(T0, BATCH))))
    head, tail = template.rsplit(b'"seq":0', 1)
    outbox = Outbox(path, power_safe=False)
    signer = key.signer()
    started = time.perf_counter()
    for _ in range(samples // BATCH):
        outbox.append(
            lambda seq: (
                dsse.encode_envelope(
                    dsse.sign_envelope(BATCH_PAYLOAD_TYPE, head + b'"seq":%d' % seq + tail, signer)
                ),
                BATCH,
            )
        )
    outbox.close()
    return time.perf_counter() - started


def _drain(directory: Path, key: PrivateKey, samples: int) -> Iterator[str]:
    path = directory / "backlog.sqlite3"
    prefill_s = _prefill(path, key, samples)
    yield (
        f"prefill {samples:,} samples ({samples // BATCH:,} envelopes, "
        f"{path.stat().st_size / 2**20:,.0f} MiB): {prefill_s:.1f} s"
    )
    platform_key = generate_private_key()
    public = platform_key.public_key()
    outbox = Outbox(path)
    forwarder = Forwarder(
        outbox, MemoryUplink(_Platform(platform_key)), DEVICE, {public.key_id: public}, window=64
    )
    live = Outbox(path)  # the acquisition thread's own connection
    sealer = Sealer(DEVICE, key)
    live_sealed: dict[int, float] = {}
    latencies: list[float] = []
    started = last_live = time.perf_counter()
    while outbox.depth()[0]:
        now = time.perf_counter()
        if now - last_live >= 1.0:  # live data: 100 tags, one batch a second
            chunk = _readings(T0, TAGS)
            seq = live.append(lambda s, c=chunk: (sealer.seal(s, T0, c), len(c)))
            live_sealed[seq] = last_live = now
        forwarder.step()
        for seq in [s for s in live_sealed if outbox.get(s) is None]:
            latencies.append(time.perf_counter() - live_sealed.pop(seq))
    elapsed = time.perf_counter() - started
    worst = max(latencies, default=0.0)
    median = sorted(latencies)[len(latencies) // 2] if latencies else 0.0
    yield (
        f"drain {samples:,} backlog samples with live data flowing: {elapsed:.1f} s "
        f"({samples / elapsed:,.0f} samples/s; target < 300 s)"
    )
    yield (
        f"live batches during the drain: {len(latencies)}, seal→receipt latency median "
        f"{median * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
    )
    outbox.close()
    live.close()


def run() -> Iterator[str]:
    """Yield the figures."""
    key = generate_private_key()
    with tempfile.TemporaryDirectory() as folder:
        yield from _sustained(Path(folder), key)
        yield from _drain(Path(folder), key, BACKLOG_SAMPLES)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    yield f"peak resident memory of the benchmark process: {peak:,.0f} MiB"
