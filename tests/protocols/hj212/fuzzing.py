"""Fuzz harness for the HJ 212 codec (reliability target I1).

No input may escape as anything but an ``Hj212Error``, every frame that decodes must rebuild
to a frame that decodes equal, and the compiled fast path, when built, must decline each input
or return exactly what the pure-Python codec returns (ADR 0244).

Run ``scripts/fuzz-hj212 [RUNS]`` (coverage-guided with atheris when it is installed, otherwise
the deterministic mutation fuzzer below); ``tests/protocols/hj212/test_fuzzing.py`` runs a short
smoke version in the normal suite.
"""

from __future__ import annotations

import contextlib
import gc
import random
import sys
import tempfile
import time
from pathlib import Path

from tanji.protocols.hj212 import (
    DEFAULT_VERSIONS,
    ExeRtn,
    Hj212Error,
    ProtocolVersion,
    QnRtn,
    Reassembler,
    TimeRange,
    build_frame,
    crc_text,
    error_answer,
    execution_result,
    history_request,
    interpret,
    native,
    parse_datetime,
    parse_frame,
    request_answer,
    scan,
    split_message,
)
from tanji.protocols.hj212.crc import crc16_bitwise
from tanji.protocols.hj212.fields import _decode_cp_python, decode_segment_python, fast_message
from tanji.protocols.hj212.frame import _unwrap_python

from .factories import outcome

FRAMES = Path(__file__).parent / "frames"
ALL_VERSIONS = frozenset(ProtocolVersion)
TOKENS = [
    b"##",
    b"\r\n",
    b";",
    b",",
    b"=",
    b"&&",
    b"CP=&&",
    b"Flag=7",
    b"PNUM=2;PNO=1",
    b"-Avg=",
    b"DataTime=",
    b"a05001",
    b"\x00",
    b"\xe7\xaa\x91",
    b"9999",
    b"-",
    b".",
]


def seeds() -> list[bytes]:
    """Spec-valid and captured frames: TV-10, the noisy session, commands, split packets."""
    found = [line + b"\r\n" for line in (FRAMES / "tv10.h212").read_bytes().split(b"\r\n") if line]
    found.append((FRAMES / "session-noisy.h212").read_bytes())
    upload = parse_frame(found[1])
    begin = parse_datetime("20250610080000", "BeginTime")
    found += [
        build_frame(request_answer(upload, QnRtn.CRC_ERROR)),
        build_frame(execution_result(upload, ExeRtn.NO_DATA)),
        build_frame(
            history_request(2061, TimeRange(begin, begin), qn=upload.qn, mn=upload.mn, pw=upload.pw)
        ),
        b"".join(build_frame(p) for p in split_message(upload, 80)),
    ]
    return found


def wrap(segment: bytes) -> bytes:
    """A frame with the right length and CRC around arbitrary bytes (to reach the field parser)."""
    return b"##%04d%s%s\r\n" % (len(segment) % 10000, segment, crc_text(segment).encode())


def one_input(data: bytes) -> None:
    """Check every invariant on one input; raise AssertionError (or anything else) on a bug."""
    if data[:1] == b"\x01":  # a selector byte: treat the rest as a data segment
        data = wrap(data[1:])
    if native.BUILT is not None:
        differential(data, native.BUILT)
    with contextlib.suppress(Hj212Error):
        parse_frame(data)
    assembler = Reassembler()
    previous = -1
    for frame in scan(data):
        assert (frame.message is None) != (frame.error is None)
        assert frame.offset > previous
        previous = frame.offset
        assert data[frame.offset : frame.offset + len(frame.raw)] == frame.raw
        if frame.error is not None:
            answer = error_answer(frame.raw, frame.error, DEFAULT_VERSIONS)
            if answer is not None:
                assert parse_frame(build_frame(answer)) == answer
            continue
        message = frame.message
        assert message is not None
        assert parse_frame(build_frame(message)) == message
        try:
            interpret(message)
            whole = assembler.add(message, 0.0)
            if whole is not None:
                interpret(whole)
        except Hj212Error:
            pass


def differential(data: bytes, codec: native.NativeCodec) -> bool:
    """The fast path declines ``data`` (as a frame, a segment, CP) or returns what Python returns.

    Returns whether the fast path accepted ``data`` as a frame (ADR 0244).
    """
    assert codec.crc16(data) == crc16_bitwise(data)
    accepted = False
    for versions in (DEFAULT_VERSIONS, frozenset({ProtocolVersion.HJ212_2017}), ALL_VERSIONS):
        python = outcome(lambda v=versions: decode_segment_python(_unwrap_python(data), v))
        fast = fast_message(codec.frame(data), versions)
        if fast is not None:
            assert python == ("ok", fast), data
            accepted = True
    unwrapped = codec.unwrap(data)
    if unwrapped is not None:
        assert outcome(_unwrap_python, data) == ("ok", unwrapped)
    text = data.decode("utf-8", "replace")
    fields = fast_message(codec.segment(text), DEFAULT_VERSIONS)
    if fields is not None:
        assert outcome(decode_segment_python, text, DEFAULT_VERSIONS) == ("ok", fields)
    cp = codec.cp(text)
    if cp is not None:
        assert outcome(_decode_cp_python, text) == ("ok", cp)
    return accepted


def mutate(rng: random.Random, corpus: list[bytes]) -> bytes:
    """One mutation of a corpus entry (byte flips, token inserts, splices, re-framing)."""
    data = bytearray(rng.choice(corpus))
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(data))
        kind = rng.randrange(6)
        if kind == 0 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif kind == 1:
            data[at:at] = rng.choice(TOKENS)
        elif kind == 2:
            del data[at : at + rng.randint(1, 16)]
        elif kind == 3:
            other = rng.choice(corpus)
            start = rng.randint(0, len(other))
            data[at:at] = other[start : start + rng.randint(1, 64)]
        elif kind == 4:
            data[at:at] = bytes([rng.choice(b"0123456789")])
        else:
            data[at : at + 1] = b""
    if rng.random() < 0.5 and data.startswith(b"##") and data.endswith(b"\r\n") and len(data) > 12:
        return wrap(bytes(data[6:-6]))  # keep length and CRC right so the fields are reached
    return bytes(data)


def mutations(seed: int, count: int) -> list[bytes]:
    """``count`` mutated inputs from the seed corpus, reproducible from ``seed``."""
    rng = random.Random(seed)
    corpus = seeds()
    return [mutate(rng, corpus) for _ in range(count)]


def mutation_fuzz(runs: int, seed: int = 212) -> tuple[int, float]:
    """Run ``runs`` mutated inputs; return (runs, slowest input in CPU seconds)."""
    rng = random.Random(seed)
    corpus = seeds()
    slowest = 0.0
    # The cyclic collector runs outside the timed region: a full collection of a large test
    # process's heap inside one input's time is not the parser's time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for n in range(runs):
            if n % 500 == 0:
                gc.collect()
            data = mutate(rng, corpus)
            started = time.thread_time()  # CPU time: a busy shared machine must not fail the run
            one_input(data)
            slowest = max(slowest, time.thread_time() - started)
    finally:
        if collecting:
            gc.enable()
    return runs, slowest


def _atheris(runs: int) -> None:
    import atheris  # type: ignore[import-not-found]

    corpus = Path(tempfile.mkdtemp(prefix="hj212-corpus-"))
    for n, seed in enumerate(seeds()):
        (corpus / f"seed-{n}").write_bytes(seed)
    atheris.instrument_all()  # the codec is already imported: instrument loaded bytecode
    atheris.Setup(
        [sys.argv[0], f"-runs={runs}", "-max_len=4096", "-timeout=1", str(corpus)], one_input
    )
    atheris.Fuzz()


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv and argv[0].isdigit() else 100_000
    engine = argv[1] if len(argv) > 1 else "auto"
    if engine in {"auto", "atheris"}:
        try:
            _atheris(runs)  # exits the process when done
        except ImportError:
            if engine == "atheris":
                raise
    started = time.perf_counter()
    done, slowest = mutation_fuzz(runs)
    elapsed = time.perf_counter() - started
    print(  # noqa: T201 - the script reports its figures
        f"hj212 mutation fuzz: {done} inputs in {elapsed:.1f} s, 0 failures, "
        f"slowest input {slowest * 1000:.2f} ms"
    )
    return 0 if slowest < 0.1 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
