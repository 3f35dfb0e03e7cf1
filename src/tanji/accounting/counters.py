"""Totaliser readings (belt scales, energy and flow meters) → interval quantities.

A totaliser only grows; the quantity of an interval is the difference of two readings. Real
meter data also rolls over at the register's maximum, resets (power loss, replacement), arrives
late or out of order and has gaps. The rules mirror Home Assistant's ``total_increasing``
statistics: readings are ordered by measurement time (duplicates keep the last received); a drop
with a known register maximum is a roll-over when the wrapped quantity is below half the register,
any other drop is a reset counted from zero and flagged; a gap is flagged but never filled with
invented readings. Everything is vectorised over NumPy arrays.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tanji.accounting.errors import AccountingError

FloatArray = npt.NDArray[np.float64]


class IntervalFlag(enum.IntFlag):
    """Quality flags of an interval quantity (bitwise, several may apply)."""

    OK = 0
    ROLLOVER = 1  #: register passed its maximum; quantity includes the wrap
    RESET = 2  #: counter restarted; quantity counted from zero (review)
    GAP = 4  #: interval longer than expected; quantity is right but not spread over time
    LATE = 8  #: an end reading arrived after a later-timed reading (re-ordered)


@dataclass(frozen=True)
class CounterIntervals:
    """Quantities between consecutive readings, in measurement-time order.

    Attributes:
        start_s: interval start, seconds (the unit of the timestamps given).
        end_s: interval end.
        quantity: counted quantity in the unit of the readings, ≥ 0.
        flags: :class:`IntervalFlag` bits per interval.
    """

    start_s: FloatArray
    end_s: FloatArray
    quantity: FloatArray
    flags: npt.NDArray[np.int64]

    @property
    def total(self) -> float:
        """Total over every interval (flagged ones included: they carry real, measured quantity)."""
        return float(self.quantity.sum())

    def flagged(self, flag: IntervalFlag) -> npt.NDArray[np.bool_]:
        """Mask of intervals carrying ``flag``."""
        mask: npt.NDArray[np.bool_] = (self.flags & int(flag)) != 0
        return mask


def counter_intervals(
    time_s: npt.ArrayLike,
    reading: npt.ArrayLike,
    *,
    register_max: float | None = None,
    max_interval_s: float | None = None,
) -> CounterIntervals:
    """Turn totaliser readings, in arrival order, into interval quantities.

    Args:
        time_s: measurement time of each reading (seconds since any epoch), in arrival order.
        reading: totaliser value of each reading, ≥ 0.
        register_max: value at which the register wraps to zero (e.g. 1e6 for six digits); None
            when unknown, so that every drop is a reset.
        max_interval_s: expected longest spacing of readings; longer intervals are flagged GAP.

    Returns:
        The intervals between consecutive distinct measurement times.

    Raises:
        AccountingError: arrays of different length, non-finite or negative readings, a reading
            above ``register_max``.
    """
    t, v, late = _ordered(*_validated(time_s, reading, register_max))
    delta = np.diff(v)
    flags = np.zeros(delta.size, dtype=np.int64)
    drop = delta < 0
    if register_max is not None:
        rolled = drop & (delta + register_max < register_max / 2.0)
        delta = np.where(rolled, delta + register_max, delta)
        flags |= np.where(rolled, int(IntervalFlag.ROLLOVER), 0)
        drop &= ~rolled
    delta = np.where(drop, v[1:], delta)
    flags |= np.where(drop, int(IntervalFlag.RESET), 0)
    if max_interval_s is not None:
        flags |= np.where(np.diff(t) > max_interval_s, int(IntervalFlag.GAP), 0)
    flags |= np.where(late[1:] | late[:-1], int(IntervalFlag.LATE), 0)
    return CounterIntervals(start_s=t[:-1], end_s=t[1:], quantity=delta, flags=flags)


def _ordered(t: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Readings in measurement-time order, duplicates dropped, late arrivals marked.

    The sort is stable in arrival order, so of two readings with the same time the last received
    is kept; a reading is late when a later-timed one arrived before it.
    """
    late_seen = t < np.maximum.accumulate(t)
    order = np.lexsort((np.arange(t.size), t))
    t, v, late = t[order], v[order], late_seen[order]
    keep = np.append(t[1:] != t[:-1], True)[: t.size]
    return t[keep], v[keep], late[keep]


def _validated(
    time_s: npt.ArrayLike, reading: npt.ArrayLike, register_max: float | None
) -> tuple[FloatArray, FloatArray]:
    """Float arrays of equal length, finite, readings within [0, register_max]."""
    t = np.asarray(time_s, dtype=float).ravel()
    v = np.asarray(reading, dtype=float).ravel()
    if t.size != v.size:
        raise AccountingError(
            "counter.length_mismatch",
            "{times} timestamps but {readings} readings; each reading needs its time",
            times=t.size,
            readings=v.size,
        )
    bad = ~np.isfinite(t) | ~np.isfinite(v) | (v < 0)
    if register_max is not None:
        bad |= v >= register_max
    if bad.any():
        row = int(np.argmax(bad))
        raise AccountingError(
            "counter.bad_reading",
            "reading {row} (time {time}) is {value}; expected a finite totaliser value in"
            " [0, {maximum}) in the meter's unit",
            row=row,
            time=float(t[row]),
            value=float(v[row]),
            maximum=register_max if register_max is not None else "∞",
        )
    return t, v
