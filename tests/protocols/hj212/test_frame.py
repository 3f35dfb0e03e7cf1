from __future__ import annotations

from pathlib import Path

import pytest

from tanji.protocols.hj212 import (
    Flags,
    Hj212Error,
    Message,
    ProtocolVersion,
    build_frame,
    parse_frame,
)

FRAMES = Path(__file__).parent / "frames"
#: standards.md §5 TV-10: CRCs 1C80, 81C1, 6900, 9AC1.
TV10 = FRAMES / "tv10.h212"


def tv10_frames() -> list[bytes]:
    return [line + b"\r\n" for line in TV10.read_bytes().split(b"\r\n") if line]


@pytest.mark.parametrize("frame", tv10_frames(), ids=lambda f: f[-6:-2].decode())
def test_tv10_frames_round_trip(frame: bytes) -> None:
    message = parse_frame(frame)
    assert build_frame(message) == frame


def test_accepts_lowercase_crc_and_emits_uppercase() -> None:
    frame = tv10_frames()[1]
    lower = frame[:-6] + frame[-6:-2].lower() + b"\r\n"
    assert lower != frame
    assert build_frame(parse_frame(lower)) == frame


def test_decodes_header_fields() -> None:
    message = parse_frame(tv10_frames()[0])
    assert message == Message(
        qn="20160801085857223",
        st=32,
        cn=1062,
        pw="100000",
        mn="010000A8900016F000169DC0",
        flags=Flags(ProtocolVersion.HJ212_2017, split=False, ack=True),
        cp=((("RtdInterval", "30"),),),
    )


def test_version_is_a_parameter() -> None:
    message = Message(
        qn="20250610090000456",
        st=91,
        cn=9014,
        pw="123456",
        mn="42010000A8900016F0000001",
        flags=Flags(ProtocolVersion.HJ212_2025),
    )
    frame = build_frame(message)
    assert b"Flag=8;" in frame
    assert parse_frame(frame) == message
    with pytest.raises(Hj212Error) as caught:
        parse_frame(frame, versions=frozenset({ProtocolVersion.HJ212_2017}))
    assert caught.value.code == "hj212.flag.version"


def test_encode_refuses_oversize_segments() -> None:
    from tanji.protocols.hj212 import encode_frame

    with pytest.raises(Hj212Error) as caught:
        encode_frame("A" * 1025)
    assert caught.value.code == "hj212.frame.oversize"
    assert encode_frame("A" * 1024).startswith(b"##1024")
