"""Data records in CP: ``DataTime`` plus ``<code>-Rtd/-Min/-Avg/-Max/-Cou/-Flag …`` items.

HJ 212-2017 §6.3.3 and Table 6: a data upload (2011 real-time, 2051 minute, 2061 hour, 2031 day)
carries one ``DataTime`` and, per pollutant code, measured values (``Rtd``, ``Min``, ``Avg``,
``Max``, the O2-corrected ``Zs*`` forms, cumulative ``Cou``), a data flag (``Flag``), a vendor
extension flag (``EFlag``) and a sampling time (``SampleTime``). ``DataTime`` is the *start* of
the interval for 2051/2061/2031 and the acquisition instant for 2011 (§4.3 of the reference).
Values are kept as :class:`~decimal.Decimal` so the text sent is the text stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from itertools import chain

from tanji.protocols.hj212 import native
from tanji.protocols.hj212.errors import Hj212Error
from tanji.protocols.hj212.fields import Cp, CpGroup, CpItem, Message
from tanji.protocols.hj212.native import FactorPlan
from tanji.protocols.hj212.pollutants import pollutant
from tanji.protocols.hj212.timefmt import CHINA_STANDARD_TIME, format_datetime, parse_datetime

#: Measured-value suffixes (Table 6), in the order frames usually list them.
MEASURES = ("Rtd", "Min", "Avg", "Max", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "Cou")
#: Abatement-device items ``SBxxx-RS`` (running state) and ``SBxxx-RT`` (running hours).
DEVICE_MEASURES = ("RS", "RT")
#: Data flags (HJ 212-2017 §6.6.4 / Table 7).
DATA_FLAGS: dict[str, str] = {
    "N": "normal",
    "F": "instrument stopped",
    "M": "maintenance",
    "S": "manually entered set value",
    "D": "instrument fault",
    "C": "calibration",
    "T": "above the measuring upper limit",
    "B": "communication failure with the data logger",
}
DATA_COMMANDS = frozenset({2011, 2051, 2061, 2031})

_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_EFLAG = re.compile(r"[0-9A-Za-z]{1,4}")
_MEASURE_SET = frozenset(MEASURES)
_is_number = _NUMBER.fullmatch
#: Many numbers joined by newlines (which no CP value contains), checked in one match.
_NUMBERS = re.compile(rf"{_NUMBER.pattern}(?:\n{_NUMBER.pattern})*")
#: How many key sequences :func:`_planned_record` remembers (a logger sends the same keys
#: every interval; a sender making up keys cannot grow the memo past this).
MAX_PLANS = 2048


@dataclass(frozen=True, slots=True)
class FactorData:
    """The values one pollutant code carries in one record.

    Attributes:
        code: pollutant code (``a05001``) or abatement device (``SB1``).
        values: measured values keyed by suffix (``Avg`` …), in frame order.
        flag: data flag (``N`` …), when sent.
        eflag: vendor extension flag, when sent.
        sample_time: ``SampleTime``, when sent.
    """

    code: str
    values: dict[str, Decimal] = field(default_factory=dict)
    flag: str | None = None
    eflag: str | None = None
    sample_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class DataRecord:
    """One data upload's content: when, and the values per code."""

    data_time: datetime
    factors: tuple[FactorData, ...]

    def factor(self, code: str) -> FactorData | None:
        """The values of ``code``, if the record has it."""
        return next((f for f in self.factors if f.code == code), None)


def decode_record(
    message: Message, tz: tzinfo = CHINA_STANDARD_TIME, *, vendor_codes: bool = False
) -> DataRecord:
    """Read the data record of a data upload.

    Args:
        message: a decoded 2011/2051/2061/2031 message.
        tz: the zone of the device clock (HJ 212 times are zone-less).
        vendor_codes: accept pollutant codes outside the App. B table.

    Raises:
        Hj212Error: ``hj212.command.not_data`` or a ``hj212.record.*`` code.
    """
    if message.cn not in DATA_COMMANDS:
        raise Hj212Error("hj212.command.not_data", "CN={cn} carries no data records", cn=message.cn)
    record = _planned_record(message.cp, tz, vendor_codes)
    return record if record is not None else _decode_items(message.cp, tz, vendor_codes)


def _decode_items(cp: Cp, tz: tzinfo, vendor_codes: bool) -> DataRecord:
    """Every item checked in frame order, so the first defect is the one reported."""
    data_time: datetime | None = None
    builders: dict[str, _Builder] = {}
    for group in cp:
        for key, value in group:
            if key == "DataTime":
                data_time = parse_datetime(value, key, tz)
                continue
            code, suffix = _split_key(key, vendor_codes)
            builder = builders.get(code)
            if builder is None:
                builder = builders[code] = _Builder(code)
            if suffix in _MEASURE_SET and _is_number(value):  # the common items, inline
                builder.values[suffix] = Decimal(value)
            elif suffix == "Flag" and value in DATA_FLAGS:
                builder.flag = value
            else:
                builder.add(suffix, value, key, tz)
    if data_time is None:
        raise Hj212Error("hj212.record.datatime_missing", "data upload has no DataTime")
    return DataRecord(data_time, tuple(b.build() for b in builders.values()))


def encode_record(record: DataRecord, tz: tzinfo = CHINA_STANDARD_TIME) -> Cp:
    """The CP groups of ``record``: ``DataTime`` alone, then one group per code (as TV-10)."""
    groups: list[CpGroup] = [(("DataTime", format_datetime(record.data_time, tz)),)]
    for factor in record.factors:
        items: list[CpItem] = [
            (f"{factor.code}-{k}", format(v, "f")) for k, v in factor.values.items()
        ]
        if factor.flag is not None:
            items.append((f"{factor.code}-Flag", factor.flag))
        if factor.eflag is not None:
            items.append((f"{factor.code}-EFlag", factor.eflag))
        if factor.sample_time is not None:
            items.append((f"{factor.code}-SampleTime", format_datetime(factor.sample_time, tz)))
        if items:
            groups.append(tuple(items))
    return tuple(groups)


@lru_cache(maxsize=4096)  # keys repeat in every upload; errors are not cached
def _split_key(key: str, vendor_codes: bool) -> tuple[str, str]:
    code, sep, suffix = key.rpartition("-")
    if not sep or not code:
        raise Hj212Error("hj212.record.field_unknown", "CP key {key!r} is not CODE-SUFFIX", key=key)
    if code.startswith("SB"):
        if suffix not in DEVICE_MEASURES:
            raise Hj212Error(
                "hj212.record.field_unknown", "device key {key!r}: suffix must be RS or RT", key=key
            )
    elif not vendor_codes and pollutant(code) is None:
        raise Hj212Error(
            "hj212.record.pollutant_unknown",
            "pollutant code {pollutant!r} (in {key}) is not in HJ 212 App. B",
            pollutant=code,
            key=key,
        )
    return code, suffix


class _Builder:
    """Collects the items of one code (keys are unique, so no suffix repeats)."""

    __slots__ = ("code", "eflag", "flag", "sample_time", "values")

    def __init__(self, code: str) -> None:
        self.code = code
        self.values: dict[str, Decimal] = {}
        self.flag: str | None = None
        self.eflag: str | None = None
        self.sample_time: datetime | None = None

    def add(self, suffix: str, value: str, key: str, tz: tzinfo) -> None:
        if suffix in MEASURES or (suffix in DEVICE_MEASURES and self.code.startswith("SB")):
            if not _NUMBER.fullmatch(value):
                raise Hj212Error(
                    "hj212.record.number",
                    "{key}={value!r} is not a decimal number",
                    key=key,
                    value=value,
                )
            self.values[suffix] = Decimal(value)
        elif suffix == "Flag":
            if value not in DATA_FLAGS:
                raise Hj212Error(
                    "hj212.record.flag",
                    "{key}={value!r}: data flag must be one of {allowed}",
                    key=key,
                    value=value,
                    allowed="".join(DATA_FLAGS),
                )
            self.flag = value
        elif suffix == "EFlag":
            if not _EFLAG.fullmatch(value):
                raise Hj212Error(
                    "hj212.record.eflag",
                    "{key}={value!r} is not 1–4 letters or digits",
                    key=key,
                    value=value,
                )
            self.eflag = value
        elif suffix == "SampleTime":
            self.sample_time = parse_datetime(value, key, tz)
        else:
            raise Hj212Error(
                "hj212.record.field_unknown",
                "{key}: suffix {suffix!r} is not defined by HJ 212",
                key=key,
                suffix=suffix,
            )

    def build(self) -> FactorData:
        return FactorData(self.code, self.values, self.flag, self.eflag, self.sample_time)


#: A key sequence's plan: DataTime's position, the item positions of the measured values
#: (grouped by code), and the codes' plans in first-seen order.
_Plan = tuple[int, tuple[int, ...], tuple[FactorPlan, ...]]
_PLANS: dict[tuple[tuple[str, ...], bool], _Plan | None] = {}
_new = object.__new__
_FLAG_OR_NONE = frozenset([*DATA_FLAGS, None])
# FactorData is frozen: its slots are filled as its generated __init__ does, minus the call
# overhead (the record decoder builds one per code and upload).
_SET_FACTOR = tuple(
    getattr(FactorData, name).__set__ for name in ("code", "values", "flag", "eflag", "sample_time")
)


def _planned_record(cp: Cp, tz: tzinfo, vendor_codes: bool) -> DataRecord | None:
    """The record of ``cp`` read by its key sequence's plan; ``None`` for the checked path.

    A plan is made once per key sequence (keys split and checked, kinds sorted out); each
    upload then only checks its values. Any doubt (a key the plan cannot place, a value that
    would raise) gives ``None``, and :func:`_decode_items` reports the first defect in order.
    """
    try:
        codec = native.codec
        flat = codec.items(cp) if codec is not None else None
        keys, values = flat if flat is not None else zip(*chain.from_iterable(cp), strict=True)
        memo = (keys, vendor_codes)
        plan = _PLANS[memo] if memo in _PLANS else _remember(memo)
        return None if plan is None else _read(plan, values, tz)
    except (Hj212Error, TypeError, ValueError):
        return None


def _remember(memo: tuple[tuple[str, ...], bool]) -> _Plan | None:
    if len(_PLANS) >= MAX_PLANS:
        _PLANS.clear()
    plan = _PLANS[memo] = _make_plan(*memo)
    return plan


def _make_plan(keys: tuple[str, ...], vendor_codes: bool) -> _Plan | None:
    if len(set(keys)) != len(keys) or "DataTime" not in keys:
        return None
    codes: dict[str, list[list[int]]] = {}  # code -> [measure positions, [Flag, EFlag, Sample]]
    suffixes: dict[str, list[str]] = {}
    others = {"Flag": 0, "EFlag": 1, "SampleTime": 2}
    for at, key in enumerate(keys):
        if key == "DataTime":
            continue
        try:
            code, suffix = _split_key(key, vendor_codes)
        except Hj212Error:
            return None
        slots = codes.setdefault(code, [[], [-1, -1, -1]])
        if suffix in _MEASURE_SET or (suffix in DEVICE_MEASURES and code.startswith("SB")):
            slots[0].append(at)
            suffixes.setdefault(code, []).append(suffix)
        elif suffix in others:
            slots[1][others[suffix]] = at
        else:
            return None
    numbers: list[int] = []
    factors: list[FactorPlan] = []
    for code, (measures, (flag, eflag, sample)) in codes.items():
        first = len(numbers)
        numbers += measures
        names = tuple(suffixes.get(code, ()))
        factors.append((code, names, first, len(numbers), flag, eflag, sample))
    return keys.index("DataTime"), tuple(numbers), tuple(factors)


def _read(plan: _Plan, values: tuple[str, ...], tz: tzinfo) -> DataRecord | None:
    data_time, positions, factor_plans = plan
    codec = native.codec
    if codec is not None:  # the same checks and objects in C (ADR 0244)
        built = codec.factors(factor_plans, positions, values, Decimal, FactorData)
        if built is not None:
            return DataRecord(parse_datetime(values[data_time], "DataTime", tz), built)
    numbers = [values[at] for at in positions]
    joined = "\n".join(numbers)
    if numbers and not (_NUMBERS.fullmatch(joined) and joined.count("\n") == len(numbers) - 1):
        return None
    decimals = list(map(Decimal, numbers))
    set_code, set_values, set_flag, set_eflag, set_sample = _SET_FACTOR
    factors = []
    for code, names, first, end, flag_at, eflag_at, sample_at in factor_plans:
        flag = values[flag_at] if flag_at >= 0 else None
        if flag not in _FLAG_OR_NONE:
            return None
        eflag = values[eflag_at] if eflag_at >= 0 else None
        if eflag is not None and not _EFLAG.fullmatch(eflag):
            return None
        factor = _new(FactorData)
        set_code(factor, code)
        if end - first == 1:  # the usual case: one value per code
            set_values(factor, {names[0]: decimals[first]})
        else:
            set_values(factor, dict(zip(names, decimals[first:end], strict=True)))
        set_flag(factor, flag)
        set_eflag(factor, eflag)
        set_sample(factor, parse_datetime(values[sample_at], "", tz) if sample_at >= 0 else None)
        factors.append(factor)
    return DataRecord(parse_datetime(values[data_time], "DataTime", tz), tuple(factors))
