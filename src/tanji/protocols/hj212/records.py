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

from tanji.protocols.hj212.errors import Hj212Error
from tanji.protocols.hj212.fields import Cp, CpGroup, CpItem, Message
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
    data_time: datetime | None = None
    builders: dict[str, _Builder] = {}
    for group in message.cp:
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
