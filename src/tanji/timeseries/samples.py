"""The store's data: a batch of samples in, NumPy arrays out, all times UTC epoch milliseconds.

Why arrays and not model instances: a line-year is 15 million samples and a 10-year chart
thousands of rollups; per-row Python objects would cost more than the database (ADR 0060).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from tanji.errors import CodedError
from tanji.protocols.readings import QualityFlag

#: Evidence id meaning "no stored raw envelope" in the integer array (NULL in the database).
NO_EVIDENCE = -1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Latest time the store accepts (2100-01-01T00:00Z); anything later is a unit mistake.
MAX_TS_MS = 4_102_444_800_000
FLAG_LETTERS = frozenset(flag.value for flag in QualityFlag)
VALID_FLAG = QualityFlag.NORMAL.value

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]


class SampleError(CodedError):
    """A sample the store refuses (which row, which field, what was expected)."""


class Resolution(StrEnum):
    """Rollup resolutions, as stored in the ``resolution`` column."""

    HOUR = "h"
    DAY = "d"
    MONTH = "m"


def ts_ms(moment: datetime) -> int:
    """UTC epoch milliseconds of an aware datetime (naive ones are refused)."""
    if moment.tzinfo is None:
        raise SampleError("timeseries.naive_time", "time {time} has no time zone", time=moment)
    return (moment - EPOCH) // timedelta(milliseconds=1)


@dataclass(frozen=True)
class SampleBatch:
    """Samples to write, column-wise; ``evidence_id`` uses :data:`NO_EVIDENCE` for none."""

    tag_id: Int64Array
    ts: Int64Array
    value: FloatArray
    flag: StrArray
    evidence_id: Int64Array

    def __len__(self) -> int:
        return int(self.tag_id.shape[0])

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[int, int, float, str] | tuple[int, int, float, str, int | None]]
    ) -> SampleBatch:
        """Build from ``(tag_id, ts_ms, value, flag[, evidence_id])`` tuples."""
        listed = [(*row, None) if len(row) == 4 else row for row in rows]
        return cls(
            tag_id=np.array([r[0] for r in listed], dtype=np.int64),
            ts=np.array([r[1] for r in listed], dtype=np.int64),
            value=np.array([r[2] for r in listed], dtype=np.float64),
            flag=np.array([r[3] for r in listed], dtype="<U1"),
            evidence_id=np.array(
                [NO_EVIDENCE if r[4] is None else r[4] for r in listed], dtype=np.int64
            ),
        )

    def take(self, index: npt.NDArray[np.intp]) -> SampleBatch:
        """The rows at ``index``, in that order."""
        return SampleBatch(
            self.tag_id[index],
            self.ts[index],
            self.value[index],
            self.flag[index],
            self.evidence_id[index],
        )

    def validate(self) -> None:
        """Refuse the first bad row with a precise :class:`SampleError`."""
        n = len(self)
        for name in ("ts", "value", "flag", "evidence_id"):
            if getattr(self, name).shape != (n,):
                raise SampleError(
                    "timeseries.ragged_batch",
                    "column {column} has {got} rows, expected {expected}",
                    column=name,
                    got=getattr(self, name).shape[0],
                    expected=n,
                )
        checks = (
            ("tag_id", self.tag_id <= 0, "a positive integer tag id"),
            ("ts", (self.ts < 0) | (self.ts >= MAX_TS_MS), "UTC epoch milliseconds in 1970–2099"),
            ("value", ~np.isfinite(self.value), "a finite number"),
            ("flag", ~_known_flags(self.flag), "one of " + "".join(FLAG_LETTERS)),
            ("evidence_id", self.evidence_id < NO_EVIDENCE, "a stored evidence id or none"),
        )
        for column, bad, expected in checks:
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise SampleError(
                    "timeseries.bad_sample",
                    "row {row}: {column} = {got!r}, expected {expected}",
                    row=row,
                    column=column,
                    got=getattr(self, column)[row].item(),
                    expected=expected,
                )


#: Which code points are flag letters (a look-up, cheaper than ``np.isin`` per batch).
_FLAG_TABLE = np.zeros(128, bool)
_FLAG_TABLE[[ord(letter) for letter in FLAG_LETTERS]] = True


def _known_flags(flag: StrArray) -> npt.NDArray[np.bool_]:
    """Whether each flag is one letter of :data:`FLAG_LETTERS` ('' is not)."""
    if flag.dtype != np.dtype("<U1"):
        return np.isin(flag, sorted(FLAG_LETTERS))
    code = flag.view(np.uint32)
    return _FLAG_TABLE[np.minimum(code, 127)] & (code < 128)


@dataclass(frozen=True)
class WriteResult:
    """What one :meth:`SampleStore.write` did: new samples, re-sent ones, new versions."""

    inserted: int = 0
    duplicates: int = 0
    corrected: int = 0

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.inserted + other.inserted,
            self.duplicates + other.duplicates,
            self.corrected + other.corrected,
        )


@dataclass(frozen=True)
class SampleArrays:
    """Samples of one tag, ordered by (time, version); the current view has one per time."""

    ts: Int64Array
    value: FloatArray
    flag: StrArray
    evidence_id: Int64Array
    version: Int64Array

    def __len__(self) -> int:
        return int(self.ts.shape[0])


#: Rollup columns in storage order after (tag_id, resolution, bucket).
ROLLUP_FIELDS = (
    "count",
    "sum",
    "min",
    "max",
    "valid_count",
    "valid_sum",
    "first_ts",
    "first_value",
    "last_ts",
    "last_value",
    "increase",
    "resets",
)


@dataclass(frozen=True)
class RollupArrays:
    """Rollups of one tag at one resolution, ordered by bucket start (UTC epoch ms).

    ``increase`` and ``resets`` serve counter (``total_increasing``) tags: the sum of the
    steps between consecutive valid readings that end in the bucket, a drop counting as a reset
    (ADR 0062). For other tags they are computed too and simply not used.
    """

    bucket: Int64Array
    count: Int64Array
    sum: FloatArray
    min: FloatArray
    max: FloatArray
    valid_count: Int64Array
    valid_sum: FloatArray
    first_ts: Int64Array
    first_value: FloatArray
    last_ts: Int64Array
    last_value: FloatArray
    increase: FloatArray
    resets: Int64Array

    def __len__(self) -> int:
        return int(self.bucket.shape[0])

    @property
    def mean(self) -> FloatArray:
        """Mean of valid samples per bucket (NaN where none was valid)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.valid_count > 0, self.valid_sum / self.valid_count, np.nan)

    @classmethod
    def from_records(cls, records: list[tuple[object, ...]]) -> RollupArrays:
        """Build from database rows ``(bucket, *ROLLUP_FIELDS)``."""
        columns = list(zip(*records, strict=True)) if records else [()] * 13
        ints = {"bucket", "count", "valid_count", "first_ts", "last_ts", "resets"}
        names = ("bucket", *ROLLUP_FIELDS)
        arrays: dict[str, Any] = {
            name: np.array(col, dtype=np.int64 if name in ints else np.float64)
            for name, col in zip(names, columns, strict=True)
        }
        return cls(**arrays)
