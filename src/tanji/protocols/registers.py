"""Modbus register maps: where a value lives in an instrument and how its words become a number.

Modbus (Modbus Application Protocol V1.1b3 §4.2) only defines 16-bit big-endian registers; every
wider type is a vendor convention, so each point of the map states its data type, the order of its
16-bit words and the order of the bytes inside each word. The same code encodes values (the field
simulator) and decodes them (the driver), so the two can never disagree silently.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tanji.errors import CodedError


class RegisterError(CodedError):
    """A register map entry or a register block that cannot be decoded."""


class DataType(StrEnum):
    """Numeric types found in meter register maps."""

    INT16 = "int16"
    UINT16 = "uint16"
    INT32 = "int32"
    UINT32 = "uint32"
    FLOAT32 = "float32"
    FLOAT64 = "float64"


class PointKind(StrEnum):
    """What a value means over time (Home Assistant's ``measurement`` / ``total_increasing``)."""

    RATE = "rate"  # an instantaneous measurement, averaged per minute
    TOTALISER = "totaliser"  # a counter, differenced per minute; it may roll over
    COUNTER = "counter"  # a counter forwarded as read (the platform differences it, ADR 0062)


#: struct format (big-endian) and word count of each data type.
_FORMATS: dict[DataType, tuple[str, int]] = {
    DataType.INT16: (">h", 1),
    DataType.UINT16: (">H", 1),
    DataType.INT32: (">i", 2),
    DataType.UINT32: (">I", 2),
    DataType.FLOAT32: (">f", 2),
    DataType.FLOAT64: (">d", 4),
}

#: Modbus function codes that read registers: 3 holding, 4 input.
READ_FUNCTIONS = frozenset({3, 4})


@dataclass(frozen=True, slots=True)
class RegisterPoint:
    """One value of one instrument, mapped to a platform tag.

    Attributes:
        tag: platform tag code.
        address: zero-based register address (the PDU address, not the 4xxxx label).
        unit: unit after scaling.
        function: 3 (holding registers) or 4 (input registers).
        data_type: how the words encode the number.
        word_order: ``"big"`` = most significant word first (ABCD), ``"little"`` = CDAB.
        byte_order: ``"big"`` within each word (AB), ``"little"`` swaps them (BA).
        scale: engineering value = raw × scale + offset.
        offset: see ``scale``.
        kind: rate, totaliser (sent as the increase per minute) or counter (sent as the
            register's last reading of the minute, for platform tags that difference it).
        rollover: for totalisers, the raw count at which the counter wraps to zero (0 = the
            data type's own range, e.g. 2³² for uint32).
        scan_s: scan interval in seconds (1 … 3600).
    """

    tag: str
    address: int
    unit: str
    function: int = 3
    data_type: DataType = DataType.FLOAT32
    word_order: str = "big"
    byte_order: str = "big"
    scale: float = 1.0
    offset: float = 0.0
    kind: PointKind = PointKind.RATE
    rollover: float = 0.0
    scan_s: int = 1

    def __post_init__(self) -> None:
        _check(0 <= self.address <= 0xFFFF, "address", self.tag, "0…65535", self.address)
        _check(self.function in READ_FUNCTIONS, "function", self.tag, "3 or 4", self.function)
        _check(
            self.word_order in ("big", "little"),
            "word_order",
            self.tag,
            "big|little",
            self.word_order,
        )
        _check(
            self.byte_order in ("big", "little"),
            "byte_order",
            self.tag,
            "big|little",
            self.byte_order,
        )
        _check(1 <= self.scan_s <= 3600, "scan_s", self.tag, "1…3600 s", self.scan_s)
        _check(
            math.isfinite(self.scale) and self.scale != 0,
            "scale",
            self.tag,
            "a finite non-zero number",
            self.scale,
        )

    @property
    def count(self) -> int:
        """Number of 16-bit registers the value occupies."""
        return _FORMATS[self.data_type][1]

    @property
    def wrap(self) -> float:
        """Engineering-unit span after which a totaliser restarts from zero."""
        if self.rollover:
            return self.rollover * self.scale
        bits = 16 * self.count
        return float(2**bits) * self.scale if self.data_type.startswith("uint") else 0.0


def _check(ok: bool, field: str, tag: str, expected: str, got: object) -> None:
    if not ok:
        raise RegisterError(
            "register.bad_field",
            "register point {tag}: field {field} must be {expected}, got {got!r}",
            tag=tag,
            field=field,
            expected=expected,
            got=got,
        )


def _order(raw: bytes, point: RegisterPoint) -> bytes:
    """Reorder big-endian bytes to the device's word/byte order, or back (an involution)."""
    words = [raw[i : i + 2] for i in range(0, len(raw), 2)]
    if point.byte_order == "little":
        words = [w[::-1] for w in words]
    if point.word_order == "little":
        words.reverse()
    return b"".join(words)


def decode(point: RegisterPoint, registers: Sequence[int]) -> float:
    """Engineering value of a point from the registers read at its address."""
    fmt, count = _FORMATS[point.data_type]
    if len(registers) != count or any(not 0 <= r <= 0xFFFF for r in registers):
        raise RegisterError(
            "register.bad_block",
            "register point {tag}: expected {count} 16-bit registers, got {got!r}",
            tag=point.tag,
            count=count,
            got=list(registers),
        )
    raw = _order(b"".join(r.to_bytes(2, "big") for r in registers), point)
    (number,) = struct.unpack(fmt, raw)
    value = float(number) * point.scale + point.offset
    if not math.isfinite(value):
        raise RegisterError(
            "register.non_finite", "register point {tag}: value is not finite", tag=point.tag
        )
    return value


def encode(point: RegisterPoint, value: float) -> list[int]:
    """Registers that :func:`decode` turns back into ``value`` (integers are rounded)."""
    fmt, _ = _FORMATS[point.data_type]
    raw_value = (value - point.offset) / point.scale
    number: float | int = raw_value if point.data_type.startswith("float") else round(raw_value)
    try:
        raw = struct.pack(fmt, number)
    except struct.error:
        raise RegisterError(
            "register.out_of_range",
            "register point {tag}: {value} does not fit {data_type}",
            tag=point.tag,
            value=value,
            data_type=str(point.data_type),
        ) from None
    ordered = _order(raw, point)
    return [int.from_bytes(ordered[i : i + 2], "big") for i in range(0, len(ordered), 2)]


def point_from_dict(data: object, where: str) -> RegisterPoint:
    """Build a point from its configuration form, naming the entry on any error."""
    if not isinstance(data, dict):
        raise RegisterError("register.bad_entry", "{where}: expected an object", where=where)
    allowed = set(RegisterPoint.__dataclass_fields__)
    unknown = set(data) - allowed
    if unknown or not {"tag", "address", "unit"} <= set(data):
        raise RegisterError(
            "register.bad_entry",
            "{where}: needs tag, address and unit; allowed fields {allowed}; unknown {unknown}",
            where=where,
            allowed=sorted(allowed),
            unknown=sorted(unknown),
        )
    try:
        fields = dict(data)
        fields["data_type"] = DataType(fields.get("data_type", "float32"))
        fields["kind"] = PointKind(fields.get("kind", "rate"))
        return RegisterPoint(**fields)
    except (ValueError, TypeError) as exc:
        if isinstance(exc, RegisterError):
            raise
        raise RegisterError(
            "register.bad_entry", "{where}: {error}", where=where, error=str(exc)
        ) from None
