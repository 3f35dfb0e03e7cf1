"""HJ 212 records as readings (the decode stage of HJ 212 input).

Tag codes are ``<pollutant code>-<value suffix>`` (``a21026-Avg``, ``a05001-Cou``) within the
logger's enterprise; the unit is the HJ 212-2017 App. B unit of the code (``Cou`` its cumulative
unit); vendor codes outside App. B are taken in the tag's own unit. The data flag maps to the
reading's quality flag (HJ 212-2017 §6.6.4); a missing flag means ``N``.
"""

from __future__ import annotations

import functools

from tanji.ingest.model import Refused
from tanji.protocols.hj212 import DataRecord
from tanji.protocols.hj212.pollutants import pollutant
from tanji.protocols.readings import QualityFlag, Reading

__all__ = ["VENDOR_UNIT", "readings_of"]

#: Unit of a code outside App. B: the reading then must be in the tag's own unit.
VENDOR_UNIT = "="


_FLAGS = {flag.value: flag for flag in QualityFlag}


@functools.cache
def _unit(code: str, suffix: str) -> str:
    """The App. B unit of a factor value (``Cou``: the cumulative unit), else the vendor mark."""
    known = pollutant(code)
    if known is None:
        return VENDOR_UNIT
    return (known.cou_unit or known.unit) if suffix == "Cou" else known.unit


def readings_of(record: DataRecord) -> tuple[Reading, ...]:
    """One reading per factor value, timed by ``SampleTime`` or the record's ``DataTime``."""
    readings = []
    for factor in record.factors:
        flag = _FLAGS.get(factor.flag or "N")
        if flag is None:
            raise Refused(
                "ingest.hj212_flag",
                "factor {factor}: unknown flag {flag!r}",
                factor=factor.code,
                flag=factor.flag,
            )
        moment = factor.sample_time or record.data_time
        for suffix, value in factor.values.items():
            readings.append(
                Reading(
                    f"{factor.code}-{suffix}",
                    moment,
                    float(value),
                    _unit(factor.code, suffix),
                    flag,
                )
            )
    return tuple(readings)
