"""HJ 212 records as readings (the decode stage of HJ 212 input).

Tag codes are ``<pollutant code>-<value suffix>`` (``a21026-Avg``, ``a05001-Cou``) within the
logger's enterprise; the unit is the HJ 212-2017 App. B unit of the code (``Cou`` its cumulative
unit); vendor codes outside App. B are taken in the tag's own unit. The data flag maps to the
reading's quality flag (HJ 212-2017 §6.6.4); a missing flag means ``N``.

The decode stage hands validation :class:`RecordReadings`: the flags are checked at once, the
readings are built only if asked for — validation of a frame shaped like the logger's previous
ones goes from the record to stored rows without them (:mod:`tanji.ingest.hj212_shapes`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import overload

from tanji.ingest.model import Refused
from tanji.protocols.hj212 import DataRecord
from tanji.protocols.hj212.pollutants import pollutant
from tanji.protocols.readings import QualityFlag, Reading

__all__ = ["VENDOR_UNIT", "RecordReadings", "readings_of", "unit_of"]

#: Unit of a code outside App. B: the reading then must be in the tag's own unit.
VENDOR_UNIT = "="


_FLAGS = {flag.value: flag for flag in QualityFlag}
_SENT_FLAGS = frozenset((None, *_FLAGS))  # what a factor's flag may be (None: N)


@functools.cache
def unit_of(code: str, suffix: str) -> str:
    """The App. B unit of a factor value (``Cou``: the cumulative unit), else the vendor mark."""
    known = pollutant(code)
    if known is None:
        return VENDOR_UNIT
    return (known.cou_unit or known.unit) if suffix == "Cou" else known.unit


def readings_of(record: DataRecord) -> tuple[Reading, ...]:
    """One reading per factor value, timed by ``SampleTime`` or the record's ``DataTime``."""
    readings = []
    for factor in record.factors:
        flag = _flag(factor.code, factor.flag)
        moment = factor.sample_time or record.data_time
        for suffix, value in factor.values.items():
            readings.append(
                Reading(
                    f"{factor.code}-{suffix}",
                    moment,
                    float(value),
                    unit_of(factor.code, suffix),
                    flag,
                )
            )
    return tuple(readings)


def _flag(code: str, sent: str | None) -> QualityFlag:
    flag = _FLAGS.get(sent or "N")
    if flag is None:
        raise Refused(
            "ingest.hj212_flag", "factor {factor}: unknown flag {flag!r}", factor=code, flag=sent
        )
    return flag


class RecordReadings(Sequence[Reading]):
    """The readings of a record (:func:`readings_of`), built on first use; equal to their tuple.

    Raises:
        Refused: ``ingest.hj212_flag`` at construction, as :func:`readings_of` would.
    """

    __slots__ = ("_items", "record")

    def __init__(self, record: DataRecord) -> None:
        for factor in record.factors:
            if factor.flag not in _SENT_FLAGS:
                _flag(factor.code, factor.flag)
        self.record = record
        self._items: tuple[Reading, ...] | None = None

    def _all(self) -> tuple[Reading, ...]:
        if self._items is None:
            self._items = readings_of(self.record)
        return self._items

    @overload
    def __getitem__(self, index: int) -> Reading: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Reading, ...]: ...
    def __getitem__(self, index: int | slice) -> Reading | tuple[Reading, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return sum(len(f.values) for f in self.record.factors)

    def __iter__(self) -> Iterator[Reading]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"RecordReadings({self._all()!r})"
