"""Every malformed frame gets its own precise error code (reliability target I1)."""

from __future__ import annotations

import pytest

from tanji.protocols.hj212 import (
    ERROR_CODES,
    Hj212Error,
    Message,
    ProtocolVersion,
    interpret,
    parse_frame,
)

from .factories import raw_frame, segment

GOOD = raw_frame(segment())
V2017 = frozenset({ProtocolVersion.HJ212_2017})

#: (id, frame bytes, expected code). Each frame has exactly one defect.
MALFORMED: list[tuple[str, bytes, str]] = [
    ("no-header", b"$$" + GOOD[2:], "hj212.frame.header"),
    ("length-letters", b"##01a1" + GOOD[6:], "hj212.frame.length_syntax"),
    (
        "length-short",
        raw_frame(segment(), length=len(segment()) - 1),
        "hj212.frame.length_mismatch",
    ),
    ("length-long", raw_frame(segment(), length=len(segment()) + 3), "hj212.frame.length_mismatch"),
    ("length-over-1024", b"##2000" + GOOD[6:], "hj212.frame.oversize"),
    ("segment-over-1024", raw_frame("A" * 1030, length=1030), "hj212.frame.oversize"),
    ("truncated-length", b"##01", "hj212.frame.truncated"),
    ("truncated-crc", b"##0000AB\r\n", "hj212.frame.truncated"),
    ("no-crlf", GOOD[:-2], "hj212.frame.trailer"),
    ("lf-only", GOOD[:-2] + b"\n", "hj212.frame.trailer"),
    ("crc-not-hex", raw_frame(segment(), crc="12G4"), "hj212.frame.crc_syntax"),
    ("crc-wrong", raw_frame(segment(), crc="0000"), "hj212.frame.crc_mismatch"),
    ("crc-modbus", raw_frame(segment(), crc="4B37"), "hj212.frame.crc_mismatch"),
    ("latin1-bytes", raw_frame(segment().encode() + b"\xff"), "hj212.frame.encoding"),
    ("tab-in-segment", raw_frame(segment(PW="12\t456")), "hj212.frame.control_char"),
    ("item-without-equals", raw_frame("QN;" + segment()), "hj212.field.syntax"),
    ("missing-mn", raw_frame(segment(MN="")), "hj212.field.missing"),
    ("missing-qn", raw_frame(segment(QN="")), "hj212.field.missing"),
    ("duplicate-st", raw_frame("ST=31;" + segment()), "hj212.field.duplicate"),
    ("unknown-field", raw_frame("XX=1;" + segment()), "hj212.field.unknown"),
    ("qn-short", raw_frame(segment(QN="2025061008310012")), "hj212.field.qn"),
    ("qn-bad-date", raw_frame(segment(QN="20250231083100123")), "hj212.field.qn"),
    ("st-letters", raw_frame(segment(ST="3A")), "hj212.field.st"),
    ("cn-3-digits", raw_frame(segment(CN="205")), "hj212.field.cn"),
    ("pw-too-long", raw_frame(segment(PW="1234567")), "hj212.field.pw"),
    ("mn-too-long", raw_frame(segment(MN="0" * 25)), "hj212.field.mn"),
    ("mn-punctuation", raw_frame(segment(MN="4201-0000")), "hj212.field.mn"),
    ("flag-negative", raw_frame(segment(Flag="-1")), "hj212.flag.syntax"),
    ("flag-256", raw_frame(segment(Flag="256")), "hj212.flag.syntax"),
    ("flag-version-2005", raw_frame(segment(Flag="1")), "hj212.flag.version"),
    ("flag-version-3", raw_frame(segment(Flag="13")), "hj212.flag.version"),
    ("split-without-pnum", raw_frame(segment(Flag="7")), "hj212.split.fields_missing"),
    ("pnum-without-split", raw_frame(segment(PNUM="2", PNO="1")), "hj212.split.flag_missing"),
    ("pno-zero", raw_frame(segment(Flag="7", PNUM="2", PNO="0")), "hj212.split.number"),
    ("pno-above-pnum", raw_frame(segment(Flag="7", PNUM="2", PNO="3")), "hj212.split.pno_range"),
    ("no-cp", raw_frame("QN=20250610083100123;ST=31;CN=2051;PW=1;MN=1;Flag=4"), "hj212.cp.missing"),
    ("cp-not-last", raw_frame(segment() + ";MN=1"), "hj212.cp.unterminated"),
    ("cp-unterminated", raw_frame(segment()[:-2]), "hj212.cp.unterminated"),
    (
        "cp-over-950",
        raw_frame(segment(cp="a05001-Avg=" + "1" * 934, MN="1", PW="1")),
        "hj212.cp.oversize",
    ),
    (
        "cp-item-no-value",
        raw_frame(segment(cp="DataTime=20250610083000;a05001-Avg")),
        "hj212.cp.syntax",
    ),
    ("cp-key-space", raw_frame(segment(cp="Data Time=20250610083000")), "hj212.cp.key"),
    ("cp-value-ampersand", raw_frame(segment(cp="a05001-Avg=1&2")), "hj212.cp.value"),
    (
        "cp-duplicate-key",
        raw_frame(segment(cp="a05001-Avg=1;a05001-Avg=2")),
        "hj212.cp.duplicate_key",
    ),
]

#: Frames that decode but whose CP content is wrong (read by ``interpret``).
BAD_CONTENT: list[tuple[str, bytes, str]] = [
    ("no-datatime", raw_frame(segment(cp="a05001-Avg=1")), "hj212.record.datatime_missing"),
    ("datatime-feb-30", raw_frame(segment(cp="DataTime=20250230000000")), "hj212.record.datetime"),
    ("datatime-hour-24", raw_frame(segment(cp="DataTime=20250610240000")), "hj212.record.datetime"),
    (
        "unknown-pollutant",
        raw_frame(segment(cp="DataTime=20250610083000;z99999-Avg=1")),
        "hj212.record.pollutant_unknown",
    ),
    (
        "2005-code",
        raw_frame(segment(cp="DataTime=20250610083000;B02-Avg=1")),
        "hj212.record.pollutant_unknown",
    ),
    (
        "unknown-suffix",
        raw_frame(segment(cp="DataTime=20250610083000;a05001-Mean=1")),
        "hj212.record.field_unknown",
    ),
    (
        "key-without-code",
        raw_frame(segment(cp="DataTime=20250610083000;Avg=1")),
        "hj212.record.field_unknown",
    ),
    (
        "value-not-number",
        raw_frame(segment(cp="DataTime=20250610083000;a05001-Avg=1e5")),
        "hj212.record.number",
    ),
    (
        "flag-lowercase",
        raw_frame(segment(cp="DataTime=20250610083000;a05001-Flag=n")),
        "hj212.record.flag",
    ),
    (
        "eflag-too-long",
        raw_frame(segment(cp="DataTime=20250610083000;a05001-EFlag=ABCDE")),
        "hj212.record.eflag",
    ),
    (
        "sampletime-bad",
        raw_frame(segment(cp="DataTime=20250610083000;a05001-SampleTime=2025")),
        "hj212.record.datetime",
    ),
    (
        "qnrtn-undefined",
        raw_frame(segment(CN="9011", ST="91", cp="QnRtn=42")),
        "hj212.command.return_code",
    ),
    ("exertn-missing", raw_frame(segment(CN="9012", ST="91", cp="")), "hj212.command.return_code"),
    (
        "history-reversed",
        raw_frame(segment(cp="BeginTime=20250610090000,EndTime=20250610080000")),
        "hj212.command.time_range",
    ),
    (
        "history-no-end",
        raw_frame(segment(cp="BeginTime=20250610090000")),
        "hj212.command.time_range",
    ),
]


def decode(frame: bytes) -> Message:
    message = parse_frame(frame, V2017)
    interpret(message)
    return message


@pytest.mark.parametrize(
    ("frame", "code"),
    [c[1:] for c in MALFORMED + BAD_CONTENT],
    ids=[c[0] for c in MALFORMED + BAD_CONTENT],
)
def test_malformed_frame_gets_its_code(frame: bytes, code: str) -> None:
    with pytest.raises(Hj212Error) as caught:
        decode(frame)
    assert caught.value.code == code
    assert code in ERROR_CODES
    assert str(caught.value)  # a readable message with its parameters filled in


def test_at_least_thirty_distinct_codes_are_exercised() -> None:
    assert len({c[2] for c in MALFORMED + BAD_CONTENT}) >= 30


def test_the_good_frame_of_the_table_decodes() -> None:
    assert decode(GOOD).cn == 2051


def test_error_parameters_name_the_field() -> None:
    with pytest.raises(Hj212Error) as caught:
        decode(raw_frame(segment(cp="DataTime=20250610083000;a05001-Avg=abc")))
    assert caught.value.params == {"key": "a05001-Avg", "value": "abc"}
    assert caught.value.as_dict()["code"] == "hj212.record.number"


def test_unknown_code_in_catalogue_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        Hj212Error("hj212.nope", "never")


def test_reference_page_lists_every_code() -> None:
    from pathlib import Path

    page = (Path(__file__).parents[3] / "docs" / "reference" / "hj212.md").read_text()
    assert [code for code in ERROR_CODES if f"`{code}`" not in page] == []


def test_password_is_never_echoed_in_an_error() -> None:
    with pytest.raises(Hj212Error) as caught:
        decode(raw_frame(segment(PW="secret7")))
    assert caught.value.code == "hj212.field.pw"
    assert "secret7" not in str(caught.value)
    assert "secret7" not in str(caught.value.as_dict())
