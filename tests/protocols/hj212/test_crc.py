from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from tanji.protocols.hj212 import crc16, crc16_bitwise, crc_text

KAT_SEGMENT = (
    b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    b"Flag=5;CP=&&RtdInterval=30&&"
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (KAT_SEGMENT, 0x1C80),  # HJ 212-2017 App. A official example
        (b"123456789", 0x2F80),  # check value; CRC-16/MODBUS would be 0x4B37
        (b"", 0xFFFF),
    ],
)
def test_known_answers(data: bytes, expected: int) -> None:
    assert crc16(data) == expected
    assert crc16_bitwise(data) == expected


def test_is_not_modbus() -> None:
    assert crc16(b"123456789") != 0x4B37


def test_text_is_four_uppercase_hex_digits() -> None:
    assert crc_text(KAT_SEGMENT) == "1C80"
    assert crc_text(b"a") == format(crc16(b"a"), "04X")


@settings(deadline=None)  # timing belongs to benchmarks; a busy CI must not fail
@given(st.binary(max_size=300))
def test_table_equals_bitwise_routine(data: bytes) -> None:
    assert crc16(data) == crc16_bitwise(data)
