from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings, strategies as st

from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    decode_record,
    encode_record,
    parse_frame,
    pollutant,
)
from tanji.protocols.hj212.records import _PLANS, MAX_PLANS, _decode_items, _planned_record

from .factories import message, outcome, records

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


BAD_VALUES = ["1e5", "NaN", " 1", "1\n2", "X", "20251301000000", "", "abcde", "1.", "+1", "中"]
BAD_VALUES += ["١٢", "n", "NN", "-", "-.5", "00012.50", "N\x00", "A1b2c", "20250229000000"]


@settings(max_examples=150, deadline=None)
@given(records(), st.data())
def test_remembered_plans_decode_exactly_as_the_item_checks(
    record: DataRecord, data: st.DataObject
) -> None:
    items = [item for group in encode_record(record) for item in group]
    spoil = data.draw(st.booleans())
    if items and spoil:  # spoil one item: a value, a key or a duplicate
        at = data.draw(st.integers(0, len(items) - 1))
        key, value = items[at]
        items[at] = data.draw(
            st.sampled_from(
                [(key, bad) for bad in BAD_VALUES]
                + [(key + "x", value), ("a99999-Avg", value), ("SB1-Avg", value)]
                + [("DataTime", value), (items[0][0], value), ("SB2-RS", value)]
            )
        )
    cp = (tuple(items),) if items else ()
    for vendor_codes in (False, True):
        expected = outcome(_decode_items, cp, CHINA_STANDARD_TIME, vendor_codes)
        for _ in range(2):  # the first call makes the plan, the second reuses it
            got = outcome(decode_record, message(cp=cp), vendor_codes=vendor_codes)
            assert got == expected


def test_valid_uploads_are_read_by_their_plan() -> None:
    cp = parse_frame(TV10[1] + b"\r\n").cp
    assert _planned_record(cp, CHINA_STANDARD_TIME, False) == _decode_items(
        cp, CHINA_STANDARD_TIME, False
    )


def test_remembered_plans_are_bounded() -> None:
    for n in range(MAX_PLANS + 10):
        cp = ((("DataTime", "20250610083000"), (f"x{n}-Avg", "1")),)
        decode_record(message(cp=cp), vendor_codes=True)
        assert len(_PLANS) <= MAX_PLANS
