import struct

import pytest

from tanji.protocols.registers import (
    DataType,
    PointKind,
    RegisterError,
    RegisterPoint,
    decode,
    encode,
    point_from_dict,
)

# Worked examples computed independently with struct: (type, word order, byte order, value, regs).
KNOWN_FRAMES = [
    (DataType.FLOAT32, "big", "big", 12.5, [0x4148, 0x0000]),  # ABCD
    (DataType.FLOAT32, "little", "big", 12.5, [0x0000, 0x4148]),  # CDAB
    (DataType.FLOAT32, "big", "little", 12.5, [0x4841, 0x0000]),  # BADC
    (DataType.FLOAT32, "little", "little", 12.5, [0x0000, 0x4841]),  # DCBA
    (DataType.UINT32, "big", "big", 70000.0, [0x0001, 0x1170]),
    (DataType.UINT32, "little", "big", 70000.0, [0x1170, 0x0001]),
    (DataType.INT16, "big", "big", -2.0, [0xFFFE]),
    (DataType.UINT16, "big", "big", 65535.0, [0xFFFF]),
    (DataType.INT32, "big", "big", -1.0, [0xFFFF, 0xFFFF]),
    (DataType.FLOAT64, "big", "big", 1.0, [0x3FF0, 0, 0, 0]),
]


@pytest.mark.parametrize(("data_type", "words", "order", "value", "registers"), KNOWN_FRAMES)
def test_decodes_known_register_frames(data_type, words, order, value, registers):
    point = RegisterPoint("T", 0, "u", data_type=data_type, word_order=words, byte_order=order)
    assert decode(point, registers) == value
    assert encode(point, value) == registers


def test_float32_frame_matches_struct():
    raw = struct.pack(">f", 12.5)
    assert [int.from_bytes(raw[:2], "big"), int.from_bytes(raw[2:], "big")] == [0x4148, 0]


def test_scale_and_offset_apply_after_decoding():
    point = RegisterPoint("T", 0, "°C", data_type=DataType.INT16, scale=0.1, offset=-50.0)
    assert decode(point, [1234]) == pytest.approx(73.4)
    assert encode(point, 73.4) == [1234]


def test_rejects_wrong_register_count():
    point = RegisterPoint("T", 0, "u", data_type=DataType.FLOAT32)
    with pytest.raises(RegisterError) as caught:
        decode(point, [1])
    assert caught.value.code == "register.bad_block"


def test_rejects_non_finite_value():
    point = RegisterPoint("T", 0, "u", data_type=DataType.FLOAT32)
    with pytest.raises(RegisterError) as caught:
        decode(point, [0x7FC0, 0])  # NaN
    assert caught.value.code == "register.non_finite"


def test_rejects_value_outside_the_type():
    point = RegisterPoint("T", 0, "u", data_type=DataType.UINT16)
    with pytest.raises(RegisterError) as caught:
        encode(point, 70000)
    assert caught.value.code == "register.out_of_range"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("address", 70000),
        ("function", 5),
        ("word_order", "middle"),
        ("scan_s", 0),
        ("scan_s", 7200),
        ("scale", 0.0),
    ],
)
def test_rejects_bad_point_fields(field, value):
    with pytest.raises(RegisterError) as caught:
        RegisterPoint(**{"tag": "L1.T", "address": 0, "unit": "u", field: value})
    assert caught.value.params["field"] == field
    assert caught.value.params["tag"] == "L1.T"


def test_totaliser_wrap_follows_the_type_or_the_configured_rollover():
    assert RegisterPoint(
        "C", 0, "kWh", data_type=DataType.UINT32, scale=0.1, kind=PointKind.TOTALISER
    ).wrap == pytest.approx(2**32 * 0.1)
    assert (
        RegisterPoint(
            "C", 0, "kWh", data_type=DataType.UINT32, rollover=1e6, kind=PointKind.TOTALISER
        ).wrap
        == 1e6
    )
    assert RegisterPoint("C", 0, "kWh", data_type=DataType.FLOAT32).wrap == 0.0


def test_point_from_dict_converts_enums():
    point = point_from_dict(
        {"tag": "A", "address": 4, "unit": "t", "data_type": "uint32", "kind": "totaliser"}, "x"
    )
    assert point.data_type is DataType.UINT32
    assert point.kind is PointKind.TOTALISER


@pytest.mark.parametrize(
    "entry",
    [
        [],
        {"tag": "A", "unit": "t"},
        {"tag": "A", "address": 1, "unit": "t", "colour": 1},
        {"tag": "A", "address": 1, "unit": "t", "data_type": "int8"},
    ],
)
def test_point_from_dict_names_the_bad_entry(entry):
    with pytest.raises(RegisterError) as caught:
        point_from_dict(entry, "meter.points[3]")
    assert "meter.points[3]" in str(caught.value)
