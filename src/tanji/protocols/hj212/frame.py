"""Frames: ``##`` + 4-digit length + data segment + CRC + CR LF (HJ 212-2017 §6.3.2).

The length counts the bytes of the data segment (ASCII, Chinese text as UTF-8) and the CRC
(App. A, :mod:`.crc`) covers the data segment only. Lower-case CRC hex digits, seen in the wild,
are accepted; frames are always written with upper-case digits.
"""

from __future__ import annotations

import re

from tanji.protocols.hj212 import native
from tanji.protocols.hj212.crc import crc16, crc_text
from tanji.protocols.hj212.errors import Hj212Error
from tanji.protocols.hj212.fields import (
    Message,
    decode_segment_python,
    encode_segment,
    fast_message,
)
from tanji.protocols.hj212.flags import DEFAULT_VERSIONS, ProtocolVersion

#: HJ 212-2017 §6.3.2: the data segment is 0–1024 bytes.
MAX_SEGMENT_BYTES = 1024
#: ``##`` + length (4) + CRC (4) + CR LF.
FRAME_OVERHEAD = 12
MAX_FRAME_BYTES = MAX_SEGMENT_BYTES + FRAME_OVERHEAD
_HEX = frozenset(b"0123456789abcdefABCDEF")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def encode_frame(segment: str) -> bytes:
    """Wrap a data segment into a frame.

    Raises:
        Hj212Error: ``hj212.frame.oversize`` when the segment exceeds 1024 bytes.
    """
    data = segment.encode("utf-8")
    if len(data) > MAX_SEGMENT_BYTES:
        raise Hj212Error(
            "hj212.frame.oversize",
            "data segment of {length} bytes exceeds {limit}",
            length=len(data),
            limit=MAX_SEGMENT_BYTES,
        )
    return b"##%04d%s%s\r\n" % (len(data), data, crc_text(data).encode("ascii"))


def build_frame(message: Message) -> bytes:
    """The wire bytes of ``message`` (its Flag carries the protocol version to emit)."""
    return encode_frame(encode_segment(message))


def parse_frame(frame: bytes, versions: frozenset[ProtocolVersion] = DEFAULT_VERSIONS) -> Message:
    """Check one complete frame (through CR LF) and decode its data segment.

    Args:
        frame: the bytes from ``##`` through the final CR LF.
        versions: protocol versions (Flag bits) to accept.

    Raises:
        Hj212Error: the first defect found, frame level before segment level.
    """
    codec = native.codec
    if codec is not None and type(frame) is bytes:
        message = fast_message(codec.frame(frame), versions)
        if message is not None:
            return message
    return decode_segment_python(_unwrap_python(frame), versions)


def unwrap_frame(frame: bytes) -> str:
    """Check header, length, CRC and trailer; return the data segment text.

    Raises:
        Hj212Error: a ``hj212.frame.*`` code.
    """
    codec = native.codec
    if codec is not None and type(frame) is bytes:
        segment = codec.unwrap(frame)
        if segment is not None:
            return segment
    return _unwrap_python(frame)


def _unwrap_python(frame: bytes) -> str:
    """:func:`unwrap_frame` in pure Python: every check, with the precise error."""
    if not frame.startswith(b"##"):
        raise Hj212Error("hj212.frame.header", "frame does not start with '##'")
    declared = _declared_length(frame)
    if not frame.endswith(b"\r\n"):
        raise Hj212Error("hj212.frame.trailer", "frame does not end with CR LF")
    body = frame[6:-2]
    if len(body) < 4:
        raise Hj212Error("hj212.frame.truncated", "frame ends before its 4-digit CRC")
    segment, crc_field = body[:-4], body[-4:]
    if len(segment) != declared:
        raise Hj212Error(
            "hj212.frame.length_mismatch",
            "declared length {declared} but the data segment has {actual} bytes",
            declared=declared,
            actual=len(segment),
        )
    if not all(b in _HEX for b in crc_field):
        raise Hj212Error(
            "hj212.frame.crc_syntax",
            "CRC {value!r} is not 4 hexadecimal digits",
            value=crc_field.decode("latin-1"),
        )
    expected = crc16(segment)
    if int(crc_field, 16) != expected:
        raise Hj212Error(
            "hj212.frame.crc_mismatch",
            "CRC {received} does not match the data segment ({expected})",
            received=crc_field.decode("ascii"),
            expected=f"{expected:04X}",
        )
    return _segment_text(segment)


def _declared_length(frame: bytes) -> int:
    digits = frame[2:6]
    if len(digits) < 4:
        raise Hj212Error("hj212.frame.truncated", "frame ends inside its length field")
    if not (digits.isascii() and digits.isdigit()):
        raise Hj212Error(
            "hj212.frame.length_syntax",
            "length {value!r} is not 4 decimal digits",
            value=digits.decode("latin-1"),
        )
    declared = int(digits)
    if declared > MAX_SEGMENT_BYTES:
        raise Hj212Error(
            "hj212.frame.oversize",
            "declared length {length} exceeds {limit}",
            length=declared,
            limit=MAX_SEGMENT_BYTES,
        )
    return declared


def _segment_text(segment: bytes) -> str:
    try:
        text = segment.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Hj212Error(
            "hj212.frame.encoding",
            "data segment is not UTF-8 (byte {offset})",
            offset=error.start,
        ) from None
    control = _CONTROL.search(text)
    if control is not None:
        raise Hj212Error(
            "hj212.frame.control_char",
            "control character {char!r} at position {offset} of the data segment",
            char=control.group(),
            offset=control.start(),
        )
    return text
