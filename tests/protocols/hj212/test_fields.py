from __future__ import annotations

import re

import pytest
from hypothesis import given, settings

from tanji.protocols.hj212 import (
    Hj212Error,
    Message,
    ProtocolVersion,
    build_frame,
    decode_cp,
    decode_segment,
    encode_cp,
    encode_segment,
    fields,
    parse_frame,
)

from .factories import cps, message, messages

ALL_VERSIONS = frozenset(ProtocolVersion)


@settings(max_examples=300, deadline=None)
@given(messages())
def test_parse_of_build_is_identity(original: Message) -> None:
    assert parse_frame(build_frame(original), ALL_VERSIONS) == original


@settings(deadline=None)  # timing belongs to benchmarks; a busy CI must not fail
@given(cps())
def test_cp_round_trip(cp: tuple[tuple[tuple[str, str], ...], ...]) -> None:
    assert decode_cp(encode_cp(cp)) == cp


def test_fields_may_come_in_any_order() -> None:
    text = "MN=1;PW=2;Flag=4;CN=2011;ST=31;QN=20250610083100123;CP=&&&&"
    assert decode_segment(text) == message(
        mn="1", pw="2", cn=2011, cp=(), flags=message().flags.__class__()
    )


def test_build_refuses_what_would_not_parse() -> None:
    with pytest.raises(Hj212Error) as caught:
        encode_segment(message(pw="12 34"))
    assert caught.value.code == "hj212.field.pw"
    with pytest.raises(Hj212Error) as caught:
        encode_segment(message(cp=((("a", "1;2"),),)))
    assert caught.value.code == "hj212.cp.value"


def test_cp_dict_flattens_groups() -> None:
    assert message().cp_dict() == {"DataTime": "20250610083000", "a05001-Avg": "442064.7"}


def test_utf8_text_counts_bytes_in_the_length() -> None:
    original = message(cp=((("Info", "窑尾"),),))
    frame = build_frame(original)
    assert frame[2:6] == b"%04d" % len(encode_segment(original).encode())
    assert parse_frame(frame) == original


def test_segment_with_only_cp_lacks_every_field() -> None:
    with pytest.raises(Hj212Error) as caught:
        decode_segment("CP=&&&&")
    assert caught.value.code == "hj212.field.missing"


def test_build_checks_ranges() -> None:
    for changes, code in (
        ({"st": 100}, "hj212.field.st"),
        ({"cn": 10000}, "hj212.field.cn"),
        (
            {"pnum": 0, "pno": 0, "flags": message().flags.__class__(split=True)},
            "hj212.split.number",
        ),
    ):
        with pytest.raises(Hj212Error) as caught:
            encode_segment(message(**changes))
        assert caught.value.code == code


@pytest.mark.parametrize(
    "text",
    [
        "a=1",
        "DataTime=20250601000000;a21026-Avg=12.5,a21026-Flag=N;a01011-Avg=3",
        "a=1;a=2",  # a duplicate: the fast path hands over, the checks raise
        "a=1;;b=2",
        "a=b=c",
        "k=v&",
        "é=1",
        "a=1,",
    ],
)
def test_the_one_scan_decoding_of_cp_equals_the_item_checks(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def outcome() -> object:
        try:
            return decode_cp(text)
        except Hj212Error as error:
            return error.code

    fast = outcome()
    monkeypatch.setattr(fields, "_WELL_FORMED", re.compile(r"(?!)"))  # items one by one
    assert fast == outcome()
