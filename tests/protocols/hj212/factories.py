"""Message factories and hypothesis strategies for the HJ 212 tests (and the fuzz script)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DATA_FLAGS,
    DataRecord,
    FactorData,
    Flags,
    Hj212Error,
    Message,
    ProtocolVersion,
    crc_text,
    pollutant_table,
)

MN = "42010000A8900016F0000001"
QN = "20250610083100123"


def raw_frame(segment: str | bytes, *, length: int | None = None, crc: str | None = None) -> bytes:
    """A frame around ``segment`` with the right length and CRC unless overridden (no checks)."""
    data = segment.encode("utf-8") if isinstance(segment, str) else segment
    declared = len(data) if length is None else length
    check = crc_text(data) if crc is None else crc
    return b"##%04d%s%s\r\n" % (declared, data, check.encode("latin-1"))


def segment(
    cp: str = "DataTime=20250610083000;a05001-Avg=442064.7,a05001-Flag=N", **fields: str
) -> str:
    """A minute-data segment; keyword arguments replace (or with value '' drop) header fields."""
    header = {"QN": QN, "ST": "31", "CN": "2051", "PW": "123456", "MN": MN, "Flag": "5"}
    header.update(fields)
    head = ";".join(f"{k}={v}" for k, v in header.items() if v != "")
    return f"{head};CP=&&{cp}&&"


def message(**changes: object) -> Message:
    base: dict[str, object] = {
        "qn": QN,
        "st": 31,
        "cn": 2051,
        "pw": "123456",
        "mn": MN,
        "flags": Flags(ProtocolVersion.HJ212_2017, ack=True),
        "cp": ((("DataTime", "20250610083000"),), (("a05001-Avg", "442064.7"),)),
    }
    base.update(changes)
    return Message(**base)  # type: ignore[arg-type]


_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_KEY_CHARS = _ALNUM + "_.-"
_VALUE_CHARS = _ALNUM + " .-+:/#()中文"

_EARLIEST = datetime(2000, 1, 1, tzinfo=CHINA_STANDARD_TIME)
_LATEST = datetime(2099, 12, 31, 23, 59, 59, tzinfo=CHINA_STANDARD_TIME)
datetimes = st.datetimes(
    min_value=_EARLIEST.replace(tzinfo=None), max_value=_LATEST.replace(tzinfo=None)
).map(lambda d: d.replace(microsecond=0, tzinfo=CHINA_STANDARD_TIME))


@st.composite
def qns(draw: st.DrawFn) -> str:
    moment = draw(datetimes)
    return moment.strftime("%Y%m%d%H%M%S") + f"{draw(st.integers(0, 999)):03d}"


cp_items = st.tuples(
    st.text(_KEY_CHARS, min_size=1, max_size=12), st.text(_VALUE_CHARS, min_size=1, max_size=12)
)


@st.composite
def cps(draw: st.DrawFn) -> tuple[tuple[tuple[str, str], ...], ...]:
    groups = draw(st.lists(st.lists(cp_items, min_size=1, max_size=4), max_size=6))
    seen: set[str] = set()
    result = []
    for group in groups:
        kept = tuple((k, v) for k, v in group if not (k in seen or seen.add(k)))
        if kept:
            result.append(kept)
    return tuple(result)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    split = draw(st.booleans())
    pnum = draw(st.integers(1, 9999)) if split else None
    return Message(
        qn=draw(qns()),
        st=draw(st.integers(0, 99)),
        cn=draw(st.integers(0, 9999)),
        pw=draw(st.text(_ALNUM, min_size=1, max_size=6)),
        mn=draw(st.text(_ALNUM, min_size=1, max_size=24)),
        flags=Flags(draw(st.sampled_from(ProtocolVersion)), split, draw(st.booleans())),
        cp=draw(cps()),
        pnum=pnum,
        pno=draw(st.integers(1, pnum)) if pnum else None,
    )


decimals = st.builds(
    lambda whole, frac, digits: Decimal(f"{whole}.{frac:0{digits}d}" if digits else str(whole)),
    st.integers(-(10**9), 10**9),
    st.integers(0, 999),
    st.integers(0, 3),
)


@st.composite
def factors(draw: st.DrawFn, code: str) -> FactorData:
    kinds = draw(
        st.lists(st.sampled_from(["Rtd", "Min", "Avg", "Max", "ZsAvg", "Cou"]), unique=True)
    )
    return FactorData(
        code=code,
        values={k: draw(decimals) for k in kinds},
        flag=draw(st.none() | st.sampled_from(sorted(DATA_FLAGS))),
        eflag=draw(st.none() | st.text(_ALNUM, min_size=1, max_size=4)),
        sample_time=draw(st.none() | datetimes),
    )


@st.composite
def records(draw: st.DrawFn) -> DataRecord:
    codes = draw(st.lists(st.sampled_from(sorted(pollutant_table())), unique=True, max_size=6))
    found = [draw(factors(code)) for code in codes]
    return DataRecord(
        data_time=draw(datetimes),
        factors=tuple(f for f in found if f.values or f.flag or f.eflag or f.sample_time),
    )


def outcome(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """The result, or the error's code and params, of one call (to compare two paths)."""
    try:
        return "ok", function(*args, **kwargs)
    except Hj212Error as error:
        return error.code, error.params
