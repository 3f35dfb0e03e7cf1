"""The compiled fast path against the pure-Python codec (ADR 0244).

Differential: for random, mutated and near-valid inputs the fast path either declines (``None``)
or returns exactly what Python returns; it never accepts what Python rejects. And the public
functions give the same result or the same error (code and params) with and without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tanji.protocols.hj212 import (
    FactorData,
    Hj212Error,
    ProtocolVersion,
    build_frame,
    crc16,
    decode_cp,
    decode_segment,
    native,
    parse_frame,
    unwrap_frame,
)
from tanji.protocols.hj212.fields import fast_message

from .conftest import require_native
from .factories import messages, outcome, raw_frame, segment
from .fuzzing import TOKENS, differential, mutations, seeds, wrap

ONLY_2017 = frozenset({ProtocolVersion.HJ212_2017})


@pytest.fixture(autouse=True)
def codec_path() -> str:
    """These tests compare both paths themselves: run each once (overrides the conftest's)."""
    return "both"


def agree(data: bytes) -> bool:
    """The fast path declines or agrees on ``data``; whether it accepted it as a frame."""
    return differential(data, require_native())


def same_public_results(data: bytes) -> None:
    """The public functions answer the same with the fast path on and off."""
    text = data.decode("utf-8", "replace")
    calls: list[tuple[Callable[..., Any], object]] = [
        (parse_frame, data),
        (unwrap_frame, data),
        (decode_segment, text),
        (decode_cp, text),
        (crc16, data),
    ]
    before = native.codec
    try:
        native.use_native(True)
        fast = [outcome(f, arg) for f, arg in calls]
        native.use_native(False)
        assert [outcome(f, arg) for f, arg in calls] == fast
    finally:
        native.codec = before


def test_valid_frames_take_the_fast_path() -> None:
    for frame in seeds()[:-1]:  # the last seed is several split packets
        if frame.count(b"##") == 1 and frame.isascii():
            assert agree(frame), frame
    assert agree(b"##0053" + segment().encode()[6:] + b"\r\n") is False  # bad length: declined


def test_declines_what_python_rejects_at_each_check() -> None:
    good = segment()
    cases = [
        raw_frame(good, crc="0000"),
        raw_frame(good, crc="12G4"),
        raw_frame(good, length=9),
        raw_frame(good).replace(b"\r\n", b"\n\r"),
        raw_frame(good.replace("Flag=5", "Flag=256")),
        raw_frame(good.replace("Flag=5", "Flag=7")),  # D=1 without PNUM/PNO
        raw_frame(good.replace("QN=20250610083100123", "QN=20250230083100123")),
        raw_frame(good.replace("PW=123456", "PW=1234567")),
        raw_frame(good.replace("a05001-Flag=N", "a05001-Avg=1")),  # key twice
        raw_frame(good.replace("CP=&&", "CP=&&;")),
        raw_frame(good + ";PNO=1"),
        raw_frame(good.replace("ST=31", "ST=31;ST=32")),
        raw_frame(good.replace("a05001", "a05\x01001")),
        raw_frame(good.replace("MN=", "MN=中")),  # legal UTF-8 but not ASCII: Python decides
    ]
    codec = require_native()
    for frame in cases:
        assert codec.frame(frame) is None, frame
        agree(frame)
        same_public_results(frame)
    assert fast_message(codec.frame(raw_frame(good.replace("Flag=5", "Flag=9"))), ONLY_2017) is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_mutated_frames_agree(seed: int) -> None:
    for data in mutations(seed, 20):
        agree(data)
        same_public_results(data)


@settings(max_examples=200, deadline=None)
@given(messages(), st.integers(0, 40), st.sampled_from(TOKENS))
def test_near_valid_frames_agree(message: Any, at: int, token: bytes) -> None:
    try:
        frame = build_frame(message)
    except Hj212Error:  # too long for one frame
        return
    if frame.isascii():
        assert agree(frame)
    segment_bytes = frame[6:-6]
    spliced = segment_bytes[:at] + token + segment_bytes[at:]
    agree(wrap(spliced))
    same_public_results(wrap(spliced))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=1100))
def test_arbitrary_bytes_agree(data: bytes) -> None:
    agree(data)
    agree(wrap(data))


def test_environment_switch_forces_pure_python() -> None:
    env = {**os.environ, "TANJI_HJ212_NATIVE": "0"}
    probe = "from tanji.protocols.hj212 import native; print(native.codec is None)"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"


def test_record_helpers_decline_odd_arguments() -> None:
    codec = require_native()
    plan = ("a05001", ("Avg",), 0, 1, 1, -1, -1)
    values = ("1.5", "N")
    built = codec.factors((plan,), (0,), values, Decimal, FactorData)
    assert built == (FactorData("a05001", {"Avg": Decimal("1.5")}, "N"),)
    odd_calls = [
        ((plan[:6],), (0,), values),  # a plan too short
        ((("a05001", ("Avg",), 0, 1, "1", -1, -1),), (0,), values),  # a position not an int
        ((("a05001", ("Avg",), 0, 2, 1, -1, -1),), (0,), values),  # a slice past the numbers
        ((plan,), (5,), values),  # a position past the values
        ((plan,), (2**70,), values),  # a position too large for C
        ((("a05001", ("Avg",), 0, 1, 1, -1, 0),), (0,), values),  # SampleTime: left to Python
        ((plan,), (0,), ("1.5", "X")),  # not a data flag
        ((plan,), (0,), (1.5, "N")),  # not a str
    ]
    for plans, positions, items in odd_calls:
        found = codec.factors(plans, positions, items, Decimal, FactorData)  # type: ignore[arg-type]
        assert found is None
    assert codec.items(((("a", "1"),), (("b", "2"), ("c", "3")))) == (
        ("a", "b", "c"),
        ("1", "2", "3"),
    )
    odd_cps: list[Any] = [[], ([("a", "1")],), ((("a", "1", "2"),),), ((("a",),),)]
    for odd in odd_cps:
        assert codec.items(odd) is None


def test_without_the_built_extension_the_codec_is_pure_python() -> None:
    probe = (
        "import sys; sys.modules['tanji.protocols.hj212._native'] = None\n"
        "from tanji.protocols.hj212 import native, scan\n"
        "from tests.protocols.hj212.fuzzing import seeds\n"
        "assert native.BUILT is None and native.codec is None and not native.use_native(True)\n"
        "print(sum(f.ok for f in scan(seeds()[1])))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "1"
