from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings

from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    decode_record,
    encode_record,
    parse_frame,
    pollutant,
)

from .factories import message, records

TV10 = (Path(__file__).parent / "frames" / "tv10.h212").read_bytes().split(b"\r\n")


def test_minute_frame_of_tv10() -> None:
    record = decode_record(parse_frame(TV10[1] + b"\r\n"))
    assert record.data_time == datetime(2025, 6, 10, 8, 30, tzinfo=CHINA_STANDARD_TIME)
    co2 = record.factor("a05001")
    assert co2 is not None
    assert co2.values == {
        "Min": Decimal("440296.5"),
        "Avg": Decimal("442064.7"),
        "Max": Decimal("443636.5"),
        "Cou": Decimal("2945.07"),
    }
    assert co2.flag == "N"
    assert record.factor("a01013").values["Avg"] == Decimal("-0.800")  # type: ignore[union-attr]
    assert [f.code for f in record.factors] == [
        "a05001",
        "a00000",
        "a01011",
        "a01012",
        "a01013",
        "a01014",
        "a19001",
    ]


def test_encode_reproduces_the_tv10_cp_exactly() -> None:
    original = parse_frame(TV10[2] + b"\r\n")
    assert encode_record(decode_record(original)) == original.cp


@settings(deadline=None)  # timing belongs to benchmarks; a busy CI must not fail
@given(records())
def test_record_round_trip(record: DataRecord) -> None:
    cp = encode_record(record)
    assert decode_record(message(cp=cp)) == record


def test_vendor_codes_only_on_request() -> None:
    vendor = message(cp=((("DataTime", "20250610083000"),), (("x00001-Rtd", "1"),)))
    assert decode_record(vendor, vendor_codes=True).factors[0].code == "x00001"


def test_abatement_device_items() -> None:
    record = decode_record(
        message(cp=((("DataTime", "20250610083000"),), (("SB1-RS", "1"), ("SB1-RT", "23.5"))))
    )
    assert record.factors[0].values == {"RS": Decimal(1), "RT": Decimal("23.5")}


def test_table_has_units_for_the_cement_stack() -> None:
    co2 = pollutant("a05001")
    assert co2 is not None
    assert (co2.unit, co2.cou_unit, co2.old_code) == ("mg/m3", "kg", "30")
    for code in ("a00000", "a01011", "a01012", "a01013", "a01014", "a01016", "a01017", "a19001"):
        assert pollutant(code) is not None, code


def test_only_data_commands_carry_records() -> None:
    import pytest

    from tanji.protocols.hj212 import Hj212Error

    with pytest.raises(Hj212Error) as caught:
        decode_record(message(cn=9014))
    assert caught.value.code == "hj212.command.not_data"
    with pytest.raises(Hj212Error) as caught:
        decode_record(message(cp=((("DataTime", "20250610083000"),), (("SB1-Avg", "1"),))))
    assert caught.value.code == "hj212.record.field_unknown"
