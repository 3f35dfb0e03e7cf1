"""Events real plants have, and what each does to the readings and their quality flags.

* ``kiln_stop`` — the process stops and restarts (:mod:`tanji.simulator.operation`).
* ``drift`` — a meter's gain drifts linearly (``rate_per_day``, relative) until recalibrated at
  the end of the window; a drifting rate meter also drifts its totaliser.
* ``stuck`` — the value freezes at its first reading in the window; the flag stays N, which is
  what makes a stuck value dangerous.
* ``comm_gap`` — nothing arrives (value NaN, flag B, HJ 212-2017 §6.6.4 "communication failure").
* ``calibration`` — flag C (HJ 75-2017 daily zero/span check); gas analysers read zero gas in the
  first half of the window and span gas in the second.
* ``maintenance`` — flag M; the values are whatever the instrument shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import numpy as np

from tanji.protocols.readings import QualityFlag
from tanji.simulator.noise import FloatArray, IntArray

#: Flag codes stored per minute: index into this tuple.
FLAGS: tuple[QualityFlag, ...] = tuple(QualityFlag)
FLAG_CODE: dict[QualityFlag, int] = {flag: i for i, flag in enumerate(FLAGS)}
FlagArray = np.ndarray[tuple[int], np.dtype[np.uint8]]
#: Zero and span gas of the gas analysers during calibration, %vol.
CALIBRATION_GAS: dict[str, tuple[float, float]] = {
    "L1.CEMS.CO2": (0.0, 20.0),
    "L1.CEMS.O2": (0.0, 20.9),
}


class EventKind(StrEnum):
    """Kinds of scheduled event a scenario can hold."""

    KILN_STOP = "kiln_stop"
    DRIFT = "drift"
    STUCK = "stuck"
    COMM_GAP = "comm_gap"
    CALIBRATION = "calibration"
    MAINTENANCE = "maintenance"


@dataclass(frozen=True, slots=True)
class Event:
    """One scheduled event over ``[start, end)`` affecting ``tags`` (empty for kiln stops)."""

    kind: EventKind
    start: datetime
    end: datetime
    tags: tuple[str, ...] = ()
    rate_per_day: float = 0.0

    @property
    def start_minute(self) -> int:
        """Start as minutes since the Unix epoch."""
        return epoch_minute(self.start)

    @property
    def end_minute(self) -> int:
        """End (exclusive) as minutes since the Unix epoch."""
        return epoch_minute(self.end)


def epoch_minute(moment: datetime) -> int:
    """Minutes since 1970-01-01T00:00Z of an aware datetime, rounded down."""
    return int((moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() // 60)


def _window(minutes: IntArray, event: Event) -> np.ndarray[tuple[int], np.dtype[np.bool_]]:
    return (minutes >= event.start_minute) & (minutes < event.end_minute)


def apply_drift(
    minutes: IntArray, values: dict[str, FloatArray], events: tuple[Event, ...]
) -> None:
    """Multiply drifting tags by ``1 + rate × days since the drift started`` (in place)."""
    for event in events:
        if event.kind is not EventKind.DRIFT:
            continue
        window = _window(minutes, event)
        days = (minutes - event.start_minute) / 1440.0
        for tag in event.tags:
            if tag in values:
                values[tag] = np.where(
                    window, values[tag] * (1.0 + event.rate_per_day * days), values[tag]
                )


def apply_flags(
    minutes: IntArray,
    values: dict[str, FloatArray],
    flags: dict[str, FlagArray],
    events: tuple[Event, ...],
) -> None:
    """Apply stuck values, gaps, calibrations and maintenance (in place).

    ``minutes`` must be consecutive. The caller must include each stuck window's first minute,
    so a frozen value is the same whichever window is simulated.
    """
    first = int(minutes[0]) if minutes.size else 0
    for event in events:
        lo = min(max(event.start_minute - first, 0), minutes.size)
        hi = min(max(event.end_minute - first, 0), minutes.size)
        if hi <= lo or event.kind in (EventKind.KILN_STOP, EventKind.DRIFT):
            continue
        for tag in event.tags:
            _apply_one(minutes, event, tag, slice(lo, hi), values, flags)


def _apply_one(
    minutes: IntArray,
    event: Event,
    tag: str,
    window: slice,
    values: dict[str, FloatArray],
    flags: dict[str, FlagArray],
) -> None:
    """Apply one event to one tag over the index range ``window`` (arrays are modified)."""
    value = values[tag]
    if event.kind is EventKind.STUCK:
        value[window] = value[window.start]
    elif event.kind is EventKind.COMM_GAP:
        value[window] = np.nan
        flags[tag][window] = FLAG_CODE[QualityFlag.COMM_FAILURE]
    elif event.kind is EventKind.CALIBRATION:
        flags[tag][window] = FLAG_CODE[QualityFlag.CALIBRATION]
        if tag in CALIBRATION_GAS:
            zero, span = CALIBRATION_GAS[tag]
            middle = (event.start_minute + event.end_minute) / 2.0
            value[window] = np.where(minutes[window] < middle, zero, span)
    elif event.kind is EventKind.MAINTENANCE:
        flags[tag][window] = FLAG_CODE[QualityFlag.MAINTENANCE]
