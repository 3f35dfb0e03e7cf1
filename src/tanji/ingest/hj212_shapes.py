"""Validation of an HJ 212 record by its shape: from the record to stored rows in one pass.

A data logger sends the same factors with the same value suffixes and flags minute after
minute. The shape of a record — per factor its code, flag and value suffixes, in order — fixes
every reading's tag code, unit and flag, hence the whole validation plan of
:func:`tanji.ingest.validate.validate` except the values and the time. The plan of a shape
(one :data:`~tanji.ingest.validate.Plan` per reading, in reading order) is kept in the same memo
as the per-reading plans, so it lives exactly as long as the cached tag table it came from
(ADR 0221), and a later record of that shape is validated with one float conversion, one range
check per value and one time check (ADR 0253).

The shortcut never refuses anything: whenever a record does not fit it (a factor with its own
``SampleTime``, a plan that cannot be built, a value out of range, a time out of bounds) it
answers ``None`` and the general path runs, which raises the precise error at the same reading
as before. It also never accepts anything the general path would refuse: the plan is built
from the general checks, readings of one shape name distinct tags (checked once) and share the
record's time, so no (tag, time) can repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from tanji.errors import CodedError
from tanji.ingest.hj212_records import RecordReadings
from tanji.protocols.hj212 import DataRecord
from tanji.protocols.readings import Reading
from tanji.timeseries.samples import ts_ms

__all__ = ["MAX_SHAPES", "Row", "ShapePlan", "shaped_rows"]

Row = tuple[int, int, float, str]
#: Shapes remembered per enterprise table: flags that change often (a logger cycling through
#: maintenance and fault states on many factors) would otherwise grow the memo without bound.
MAX_SHAPES = 256
_SHAPES = "hj212-shapes"  # the memo's count of remembered shapes
#: Per reading, in order: (tag id, factor to the tag's unit, low, high, flag letter); then the ids.
ShapePlan = tuple[tuple[tuple[int, float, float, float, str], ...], frozenset[int]]


def _shape(record: DataRecord) -> Hashable | None:
    """What fixes a record's readings apart from values and time; ``None`` with a SampleTime."""
    factors = record.factors
    if any(f.sample_time is not None for f in factors):
        return None
    return ("hj212-shape", *[(f.code, f.flag, *f.values) for f in factors])


def shaped_rows(
    readings: RecordReadings,
    plans: dict[Any, Any],
    plan_of: Callable[[Reading, int], Any],
    latest: datetime,
    earliest: datetime | None,
) -> tuple[tuple[Row, ...], frozenset[int]] | None:
    """Rows and tag ids of the record when its shape has (or gets) a plan, else ``None``.

    Args:
        readings: the decoded record's readings (built only when a new shape needs a plan).
        plans: the enterprise's plan memo (``caches.plan_memo``), shared with the general path.
        plan_of: the general path's plan of one reading (raises at the first failed check).
        latest: the latest time a reading may have.
        earliest: the earliest time (the device's enrolment), if any.
    """
    record = readings.record
    moment = record.data_time
    if moment > latest or (earliest is not None and moment < earliest):
        return None
    shape = _shape(record)
    if shape is None:
        return None
    plan: ShapePlan | None = plans.get(shape)
    if plan is None:
        plan = _build(readings, plan_of)
        if plan is None:
            return None
        if plans.get(_SHAPES, 0) < MAX_SHAPES:
            plans[shape] = plan
            plans[_SHAPES] = plans.get(_SHAPES, 0) + 1
    ms = ts_ms(moment)
    rows = []
    values = [value for factor in record.factors for value in factor.values.values()]
    for (pk, scale, low, high, flag), value in zip(plan[0], values, strict=True):
        converted = float(value) * scale
        if not low <= converted <= high:
            return None
        rows.append((pk, ms, converted, flag))
    return tuple(rows), plan[1]


def _build(readings: RecordReadings, plan_of: Callable[[Reading, int], Any]) -> ShapePlan | None:
    """The plan of the record's shape from the general checks; ``None`` if any refuses."""
    try:
        steps = tuple(plan_of(reading, index) for index, reading in enumerate(readings))
    except CodedError:  # the general path raises the precise refusal
        return None
    ids = frozenset(step[0] for step in steps)
    if len(ids) != len(steps):
        return None
    return tuple((pk, scale, low, high, flag) for pk, scale, low, high, _, flag in steps), ids
