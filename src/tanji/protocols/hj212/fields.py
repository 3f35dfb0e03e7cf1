"""The data segment: ``QN;ST;CN;PW;MN;Flag;[PNUM;PNO;]CP=&&…&&`` (HJ 212-2017 §6.3.3, Table 4).

:class:`Message` is a decoded data segment with the CP field kept as ordered groups of
``(key, value)`` pairs, exactly as written, so ``decode_segment(encode_segment(m)) == m``. The
meaning of CP (data records, return codes, time ranges) is read by :mod:`.records` and
:mod:`.commands`; this module checks only the shape every message shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tanji.protocols.hj212 import native
from tanji.protocols.hj212.errors import Hj212Error
from tanji.protocols.hj212.flags import DEFAULT_VERSIONS, Flags, ProtocolVersion
from tanji.protocols.hj212.native import SegmentFields
from tanji.protocols.hj212.timefmt import check_qn

CpItem = tuple[str, str]
CpGroup = tuple[CpItem, ...]
Cp = tuple[CpGroup, ...]

#: HJ 212-2017 Table 4: "CP=&&…&&" is at most 950 characters.
MAX_CP_CHARS = 950
HEADER_FIELDS = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")
REQUIRED_FIELDS = ("QN", "ST", "CN", "PW", "MN", "Flag")

_ST = re.compile(r"[0-9]{2}")
_CN = re.compile(r"[0-9]{4}")
_PW = re.compile(r"[0-9A-Za-z]{1,6}")
_MN = re.compile(r"[0-9A-Za-z]{1,24}")
_NUMBER = re.compile(r"[1-9][0-9]{0,3}")
_KEY = re.compile(r"[0-9A-Za-z_.\-]+")
_VALUE = re.compile(r"[^;,=&\x00-\x1f\x7f]+")
_BAD_CP_CHAR = re.compile(r"[&\x00-\x1f\x7f]")
#: What the item-by-item checks of :func:`decode_cp` accept, as one expression (its fast path).
_ITEM_TEXT = r"[0-9A-Za-z_.\-]+=[^;,=&\x00-\x1f\x7f]+"
_WELL_FORMED = re.compile(rf"{_ITEM_TEXT}(?:[;,]{_ITEM_TEXT})*")
_ITEM = re.compile(r"([0-9A-Za-z_.\-]+)=([^;,=&\x00-\x1f\x7f]+)")


@dataclass(frozen=True, slots=True)
class Message:
    """One decoded data segment.

    Attributes:
        qn: request code ``YYYYMMDDhhmmsszzz`` (names the exchange; replies repeat it).
        st: system code (31 air source, 91 system interaction …).
        cn: command code (2051 minute data, 9014 data answer …).
        pw: access password (plaintext in HJ 212; authenticity needs the signature layer).
        mn: device unique identifier.
        flags: version, split and acknowledgement bits.
        cp: the CP field as groups (``;``) of ``(key, value)`` items (``,``), in order.
        pnum: total packets when split, else ``None``.
        pno: this packet's number (1-based) when split, else ``None``.
    """

    qn: str
    st: int
    cn: int
    pw: str
    mn: str
    flags: Flags
    cp: Cp = ()
    pnum: int | None = None
    pno: int | None = None

    def cp_dict(self) -> dict[str, str]:
        """CP items as one mapping (keys are unique by construction)."""
        return {key: value for group in self.cp for key, value in group}


def encode_cp(cp: Cp) -> str:
    """The CP content between ``CP=&&`` and ``&&``."""
    for group in cp:
        for key, value in group:
            _check_cp_item(key, value)
    return ";".join(",".join(f"{k}={v}" for k, v in group) for group in cp)


def decode_cp(text: str) -> Cp:
    """Split CP content into groups of items, checking keys, values and duplicates.

    Raises:
        Hj212Error: ``hj212.cp.syntax``, ``hj212.cp.key``, ``hj212.cp.value`` or
            ``hj212.cp.duplicate_key``.
    """
    codec = native.codec
    if codec is not None:
        cp = codec.cp(text)
        if cp is not None:
            return cp
    return _decode_cp_python(text)


def _decode_cp_python(text: str) -> Cp:
    if not text:
        return ()
    if _WELL_FORMED.fullmatch(text):  # one scan checks every item; one findall splits them
        found: list[CpItem] = _ITEM.findall(text)
        if len({key for key, _ in found}) == len(found):
            return _grouped(found, text)
    checked = _BAD_CP_CHAR.search(text) is None  # one scan instead of one per value
    seen: set[str] = set()
    groups: list[CpGroup] = []
    for group_text in text.split(";"):
        items: list[CpItem] = []
        for item in group_text.split(","):
            key, sep, value = item.partition("=")
            if not sep or not key or not value:
                raise Hj212Error("hj212.cp.syntax", "CP item {item!r} is not KEY=VALUE", item=item)
            if not (checked and "=" not in value and _KEY.fullmatch(key)):
                _check_cp_item(key, value)
            if key in seen:
                raise Hj212Error("hj212.cp.duplicate_key", "CP key {key} appears twice", key=key)
            seen.add(key)
            items.append((key, value))
        groups.append(tuple(items))
    return tuple(groups)


def _grouped(items: list[CpItem], text: str) -> Cp:
    """``items`` (all of ``text``, in order) cut into its ``;`` groups."""
    groups: list[CpGroup] = []
    at = 0
    for group_text in text.split(";"):
        size = group_text.count(",") + 1
        groups.append(tuple(items[at : at + size]))
        at += size
    return tuple(groups)


def _check_cp_item(key: str, value: str) -> None:
    if not _KEY.fullmatch(key):
        raise Hj212Error(
            "hj212.cp.key", "CP key {key!r} has characters HJ 212 does not use", key=key
        )
    if not _VALUE.fullmatch(value):
        raise Hj212Error(
            "hj212.cp.value",
            "CP value {value!r} of {key} is empty or contains ; , = & or a control character",
            key=key,
            value=value,
        )


def encode_segment(message: Message) -> str:
    """The data segment text of ``message`` (fields in Table 4 order, CP last).

    Raises:
        Hj212Error: when a field would not decode back (same codes as :func:`decode_segment`).
    """
    _check_message(message, frozenset(ProtocolVersion))
    parts = [
        f"QN={message.qn}",
        f"ST={message.st:02d}",
        f"CN={message.cn:04d}",
        f"PW={message.pw}",
        f"MN={message.mn}",
        f"Flag={message.flags.encode()}",
    ]
    if message.pnum is not None:
        parts += [f"PNUM={message.pnum}", f"PNO={message.pno}"]
    cp = encode_cp(message.cp)
    _check_cp_length(cp)
    return ";".join(parts) + f";CP=&&{cp}&&"


def decode_segment(
    segment: str, versions: frozenset[ProtocolVersion] = DEFAULT_VERSIONS
) -> Message:
    """Decode a data segment (the text between the length and the CRC).

    Args:
        segment: the data segment.
        versions: protocol versions (Flag bits) to accept.

    Raises:
        Hj212Error: for every malformed field (see :data:`.errors.ERROR_CODES`).
    """
    codec = native.codec
    if codec is not None:
        message = fast_message(codec.segment(segment), versions)
        if message is not None:
            return message
    return decode_segment_python(segment, versions)


def fast_message(
    fields: SegmentFields | None, versions: frozenset[ProtocolVersion]
) -> Message | None:
    """The message of the fields the fast path read, or ``None`` to run the Python decoder.

    The fast path leaves only the Flag version bits to check, against ``versions``.
    """
    if fields is None or type(versions) is not frozenset:
        return None
    qn, st, cn, pw, mn, flag, pnum, pno, cp = fields
    flags = _accepted_flags(flag, versions)
    if flags is None:
        return None
    return Message(qn, st, cn, pw, mn, flags, cp, pnum, pno)


@lru_cache(maxsize=64)  # a handful of Flag values and version sets; errors are not cached
def _accepted_flags(value: int, versions: frozenset[ProtocolVersion]) -> Flags | None:
    try:
        return Flags.decode(str(value), versions)
    except Hj212Error:
        return None


def decode_segment_python(segment: str, versions: frozenset[ProtocolVersion]) -> Message:
    """:func:`decode_segment` in pure Python: every check, with the precise error."""
    at = segment.find("CP=&&")
    if at < 0 or (at > 0 and segment[at - 1] != ";"):
        raise Hj212Error("hj212.cp.missing", "no ';CP=&&' field in the data segment")
    body = segment[at + 5 :]
    if len(body) < 2 or not body.endswith("&&"):
        raise Hj212Error("hj212.cp.unterminated", "CP does not end with '&&'")
    _check_cp_length(body[:-2])
    fields = _header_fields(segment[: max(at - 1, 0)])
    for name in REQUIRED_FIELDS:
        if name not in fields:
            raise Hj212Error("hj212.field.missing", "required field {field} is missing", field=name)
    flags = Flags.decode(fields["Flag"], versions)
    message = Message(
        qn=fields["QN"],
        st=_int_field("ST", fields["ST"], _ST, "hj212.field.st"),
        cn=_int_field("CN", fields["CN"], _CN, "hj212.field.cn"),
        pw=fields["PW"],
        mn=fields["MN"],
        flags=flags,
        cp=_decode_cp_python(body[:-2]),
        pnum=_split_number("PNUM", fields.get("PNUM")),
        pno=_split_number("PNO", fields.get("PNO")),
    )
    _check_message(message, versions)
    return message


def _header_fields(header: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    if not header:
        return fields
    for item in header.split(";"):
        name, sep, value = item.partition("=")
        if not sep:
            raise Hj212Error("hj212.field.syntax", "item {item!r} is not NAME=VALUE", item=item)
        if name not in HEADER_FIELDS:
            raise Hj212Error("hj212.field.unknown", "unknown field {field!r}", field=name)
        if name in fields:
            raise Hj212Error("hj212.field.duplicate", "field {field} appears twice", field=name)
        fields[name] = value
    return fields


def _int_field(name: str, value: str, pattern: re.Pattern[str], code: str) -> int:
    if not pattern.fullmatch(value):
        raise Hj212Error(
            code,
            "{field}={value!r} is not {digits} digits",
            field=name,
            value=value,
            digits=2 if name == "ST" else 4,
        )
    return int(value)


def _split_number(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    if not _NUMBER.fullmatch(value):
        raise Hj212Error(
            "hj212.split.number",
            "{field}={value!r} is not an integer 1–9999",
            field=name,
            value=value,
        )
    return int(value)


def _check_cp_length(cp_text: str) -> None:
    if len(cp_text) + 7 > MAX_CP_CHARS:
        raise Hj212Error(
            "hj212.cp.oversize",
            "CP=&&…&& is {length} characters; HJ 212 allows {limit}",
            length=len(cp_text) + 7,
            limit=MAX_CP_CHARS,
        )


def _check_message(message: Message, versions: frozenset[ProtocolVersion]) -> None:
    """Checks shared by decoding and encoding (so nothing is built that would not parse)."""
    check_qn(message.qn)
    if not (0 <= message.st <= 99):
        raise Hj212Error("hj212.field.st", "ST={value} is not 2 digits", value=message.st)
    if not (0 <= message.cn <= 9999):
        raise Hj212Error("hj212.field.cn", "CN={value} is not 4 digits", value=message.cn)
    if not _PW.fullmatch(message.pw):
        raise Hj212Error(
            "hj212.field.pw",
            "PW is not 1–6 letters or digits ({length} characters; the value is not shown)",
            length=len(message.pw),
        )
    if not _MN.fullmatch(message.mn):
        raise Hj212Error(
            "hj212.field.mn", "MN={value!r} is not 1–24 letters or digits", value=message.mn
        )
    _check_split(message)


def _check_split(message: Message) -> None:
    present = message.pnum is not None or message.pno is not None
    for name, number in (("PNUM", message.pnum), ("PNO", message.pno)):
        if number is not None and not (1 <= number <= 9999):
            raise Hj212Error(
                "hj212.split.number",
                "{field}={value!r} is not an integer 1–9999",
                field=name,
                value=str(number),
            )
    if message.flags.split and (message.pnum is None or message.pno is None):
        raise Hj212Error("hj212.split.fields_missing", "Flag has D=1 but PNUM/PNO are missing")
    if not message.flags.split and present:
        raise Hj212Error("hj212.split.flag_missing", "PNUM/PNO present but Flag has D=0")
    if message.pnum is not None and message.pno is not None and message.pno > message.pnum:
        raise Hj212Error(
            "hj212.split.pno_range",
            "PNO={pno} exceeds PNUM={pnum}",
            pno=message.pno,
            pnum=message.pnum,
        )
