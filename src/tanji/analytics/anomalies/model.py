"""What a meter series is, how its tag behaves, and what an anomaly found in it says.

Series are plain arrays (UTC epoch milliseconds, values, validity) so the detectors serve the
time-series store, the simulator's frames and the benchmarks alike. A tag's :class:`Profile`
is declarative (house style: tags are declarative): its kind decides which detectors apply and
how long a flat line must last before it counts as stuck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from tanji.analytics.errors import AnalyticsError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
MINUTE_MS = 60_000
HOUR_MS = 3_600_000


class AnomalyKind(StrEnum):
    """Kinds of anomaly the scan reports."""

    STUCK = "stuck"
    SPIKE = "spike"
    DRIFT = "drift"
    COUNTER_BACKWARDS = "counter_backwards"
    GAP = "gap"


class MeterKind(StrEnum):
    """How a tag behaves, which decides the detectors that apply to it.

    ``rate``: a noisy flow meter or scale (t/h); ``analyser``: a gas analyser or process sensor
    (CEMS %vol, temperature, pressure, flow); ``counter``: a totaliser register
    (``total_increasing``, differenced, may roll over); ``steady``: a meter whose reading is
    legitimately flat (diesel burner at a fixed setting), checked for gaps only.
    """

    RATE = "rate"
    ANALYSER = "analyser"
    COUNTER = "counter"
    STEADY = "steady"


#: Minutes a reading may stay exactly constant while the line runs, per kind. A weighing or
#: analysing instrument in a running kiln line always shows noise within a few minutes; the
#: limits leave room for slow-scanning DCS points (analysers hold during their own averaging).
STUCK_MINUTES: dict[MeterKind, float] = {
    MeterKind.RATE: 15.0,
    MeterKind.ANALYSER: 20.0,
}


@dataclass(frozen=True)
class Profile:
    """How one tag is checked.

    Attributes:
        kind: meter kind.
        stuck_minutes: a constant reading at least this long while running is stuck
            (defaults to :data:`STUCK_MINUTES` of the kind; ignored for counters and steady tags).
        register_max: for counters, the value at which the register wraps to zero.
        step_ms: nominal sampling interval.
    """

    kind: MeterKind
    stuck_minutes: float = 0.0
    register_max: float | None = None
    step_ms: int = MINUTE_MS

    @property
    def stuck_ms(self) -> float:
        """Stuck limit in milliseconds (infinite where the kind has none)."""
        minutes = self.stuck_minutes or STUCK_MINUTES.get(self.kind, float("inf"))
        return minutes * MINUTE_MS


@dataclass(frozen=True)
class Series:
    """Samples of one tag, ordered by time.

    Attributes:
        tag: tag code.
        ts_ms: sample times, UTC epoch milliseconds, strictly increasing.
        value: values in the tag's unit.
        valid: True where the sample is normal (flag N); calibration, maintenance, stopped
            and substituted samples are present (no gap) but not judged.
    """

    tag: str
    ts_ms: IntArray
    value: FloatArray
    valid: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        n = self.ts_ms.shape[0]
        if self.valid.shape[0] == 0 and n:
            object.__setattr__(self, "valid", np.isfinite(self.value))
        if self.value.shape[0] != n or self.valid.shape[0] != n:
            raise AnalyticsError(
                "analytics.series_shape",
                "series {tag}: ts_ms, value and valid must have the same length, got {lengths}",
                tag=self.tag,
                lengths=[n, self.value.shape[0], self.valid.shape[0]],
            )
        if n > 1 and not bool(np.all(np.diff(self.ts_ms) > 0)):
            raise AnalyticsError(
                "analytics.series_order",
                "series {tag}: ts_ms must be strictly increasing",
                tag=self.tag,
            )

    def __len__(self) -> int:
        return int(self.ts_ms.shape[0])


@dataclass(frozen=True)
class Anomaly:
    """One anomaly over ``[start_ms, end_ms)`` of a tag.

    Attributes:
        tag: tag code (for a drift: the meter judged against its reference).
        kind: anomaly kind.
        start_ms: first affected time (UTC epoch ms).
        end_ms: end of the affected span (exclusive).
        score: strength: robust z for spikes, CUSUM in standard deviations for drift, minutes
            for stuck values and gaps, the drop for a counter (in the tag's unit).
        detail: what was compared (the reference meter of a drift, the value that froze …).
    """

    tag: str
    kind: AnomalyKind
    start_ms: int
    end_ms: int
    score: float
    detail: str = ""

    def overlaps(self, start_ms: int, end_ms: int) -> bool:
        """Whether this anomaly's span meets ``[start_ms, end_ms)``."""
        return self.start_ms < end_ms and start_ms < self.end_ms


def in_spans(ts_ms: IntArray, spans: tuple[tuple[int, int], ...]) -> BoolArray:
    """True where a time falls inside any of the ``[start, end)`` spans."""
    inside = np.zeros(ts_ms.shape[0], dtype=bool)
    for start, end in spans:
        inside |= (ts_ms >= start) & (ts_ms < end)
    return inside


def runs(mask: BoolArray) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of consecutive True values."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
