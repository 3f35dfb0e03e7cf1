"""CRC-16 of HJ 212-2017 Appendix A (not CRC-16/MODBUS).

App. A: register 0xFFFF; for each byte ``reg = (reg >> 8) ^ byte``, then eight rounds of
``lsb = reg & 1; reg >>= 1; if lsb: reg ^= 0xA001``. Because the byte is XORed into the register
*after* the 8-bit shift, the byte lands in the low byte of the high-shifted register — unlike
Modbus. The check value for ``b"123456789"`` is 0x2F80 (Modbus gives 0x4B37).

The table-driven form below is equivalent: ``(reg >> 8) ^ byte`` is always below 256, so the
eight rounds that follow are a function of one byte — a 256-entry table (≈ 18× faster in pure
Python, see ``benchmarks/bench_hj212.py``).
"""

from __future__ import annotations

from tanji.protocols.hj212 import native

_POLY = 0xA001


def _round8(value: int) -> int:
    for _ in range(8):
        lsb = value & 1
        value >>= 1
        if lsb:
            value ^= _POLY
    return value


#: Eight App. A rounds applied to every possible register value 0–255.
_TABLE: tuple[int, ...] = tuple(_round8(i) for i in range(256))


def crc16(data: bytes) -> int:
    """HJ 212-2017 App. A CRC of ``data`` (the data segment only), table-driven."""
    codec = native.codec
    if codec is not None and type(data) is bytes:
        return codec.crc16(data)  # the same table in C (ADR 0244)
    reg = 0xFFFF
    table = _TABLE
    for byte in data:
        # (reg >> 8) ^ byte is < 256, so the 8 rounds are exactly one table entry.
        reg = table[(reg >> 8) ^ byte]
    return reg


def crc16_bitwise(data: bytes) -> int:
    """The App. A routine as printed (bit by bit); the reference for tests and benchmarks."""
    reg = 0xFFFF
    for byte in data:
        reg = (reg >> 8) ^ byte
        for _ in range(8):
            lsb = reg & 1
            reg >>= 1
            if lsb:
                reg ^= _POLY
    return reg


def crc_text(data: bytes) -> str:
    """The CRC as written in a frame: 4 upper-case hex digits, high byte first."""
    return f"{crc16(data):04X}"
