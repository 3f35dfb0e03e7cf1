"""Trust throughput on one core: signatures per suite, DSSE, Merkle appends and proofs.

Each figure is the median of three timed runs after a warm-up, compared with the ceiling that
docs/reference performance measurements (§1–2) found for the same operation and binding.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import time
from collections.abc import Callable, Iterator

from tanji.trust.dsse import decode_envelope, encode_envelope, sign_envelope, verify_envelope
from tanji.trust.hashes import SHA256, SM3, TreeHasher
from tanji.trust.keys import generate_private_key
from tanji.trust.merkle import MerkleTree
from tanji.trust.proofs import verify_inclusion

MESSAGE = bytes(range(100))
#: Ceilings of the reference machine (ops/s), performance measurements §1–2.
CEILINGS = {
    "raw sha256 100 B (calibration)": 2_000_000,
    "ed25519-sha256 sign": 38_600,
    "ed25519-sha256 verify": 13_800,
    "sm2-sm3 sign": 2_330,
    "sm2-sm3 verify": 2_670,
    "append sha256": 600_000,
    "append sha256 (extend)": 600_000,
    "append sm3": 324_000,
    "append sm3 (extend)": 324_000,
    "inclusion proof 1M": 68_000,
    "inclusion verify 1M": 57_000,
}
TARGETS = {"append sha256": 300_000, "append sha256 (extend)": 300_000}


def _rate(operation: Callable[[int], None], count: int) -> float:
    """Median ops/s of three runs of ``operation(count)`` after a warm-up run."""
    operation(max(1, count // 10))
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        operation(count)
        runs.append(count / (time.perf_counter() - started))
    return statistics.median(runs)


def _line(name: str, rate: float) -> str:
    ceiling = CEILINGS.get(name)
    ratio = f"  {rate / ceiling:5.2f} × ceiling {ceiling:,}/s" if ceiling else ""
    target = TARGETS.get(name)
    verdict = f"  target {target:,}/s {'met' if rate >= target else 'MISSED'}" if target else ""
    return f"{name:<28} {rate:>12,.0f}/s{ratio}{verdict}"


def _signatures(suite: str, count: int) -> Iterator[str]:
    key = generate_private_key(suite)
    public = key.public_key()
    signature = key.sign(MESSAGE)

    def sign(n: int) -> None:
        for _ in range(n):
            key.sign(MESSAGE)

    def verify(n: int) -> None:
        for _ in range(n):
            public.verify(MESSAGE, signature)

    yield _line(f"{suite} sign", _rate(sign, count))
    yield _line(f"{suite} verify", _rate(verify, count))
    keys = {key.key_id: public}
    data = encode_envelope(sign_envelope("application/x", MESSAGE, key))

    def envelope_round(n: int) -> None:
        for _ in range(n):
            verify_envelope(decode_envelope(data), keys)

    yield _line(f"{suite} DSSE decode+verify", _rate(envelope_round, count))


def _calibration() -> tuple[str, float]:
    """Raw SHA-256 of 100 B now, against its ceiling: how loaded the machine is right now."""
    hash_ = hashlib.sha256

    def digest(n: int) -> None:
        for _ in range(n):
            hash_(MESSAGE).digest()

    rate = _rate(digest, 500_000)
    return _line("raw sha256 100 B (calibration)", rate), CEILINGS[
        "raw sha256 100 B (calibration)"
    ] / rate


def _appends(name: str, hasher: TreeHasher, count: int, load: float) -> Iterator[str]:
    leaves = [i.to_bytes(8, "big") + MESSAGE[:92] for i in range(count)]

    def append(n: int) -> None:
        append_one = MerkleTree(hasher=hasher).append
        for data in leaves[:n]:
            append_one(data)

    def extend(n: int) -> None:
        MerkleTree(hasher=hasher).extend(leaves[:n])

    for label, operation in ((name, append), (f"{name} (extend)", extend)):
        rate = _rate(operation, count)
        yield _line(label, rate)
        if load > 1.2:
            yield f"{'':28} {rate * load:>12,.0f}/s  load-adjusted by the calibration (×{load:.2f})"


def _proofs(size: int, count: int) -> Iterator[str]:
    tree = MerkleTree()
    tree.extend(i.to_bytes(8, "big") + MESSAGE[:92] for i in range(size))
    root = tree.root()
    step = size // count
    indices = [i * step for i in range(count)]
    proofs = [tree.inclusion_proof(i) for i in indices]
    leaves = [tree.leaf(i) for i in indices]

    def prove(n: int) -> None:
        for i in indices[:n]:
            tree.inclusion_proof(i)

    def verify(n: int) -> None:
        for i in range(n):
            verify_inclusion(leaves[i], indices[i], size, proofs[i], root)

    yield _line("inclusion proof 1M", _rate(prove, count))
    yield _line("inclusion verify 1M", _rate(verify, count))


def run() -> Iterator[str]:
    """Yield one line per figure."""
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})  # one core, as the ceilings
    yield "operation                          rate      ratio to the reference ceiling"
    yield from _signatures("ed25519-sha256", 5_000)
    yield from _signatures("sm2-sm3", 1_000)
    calibration, load = _calibration()
    yield calibration
    yield from _appends("append sha256", SHA256, 500_000, load)
    yield from _appends("append sm3", SM3, 200_000, load)
    yield from _proofs(1_000_000, 20_000)
