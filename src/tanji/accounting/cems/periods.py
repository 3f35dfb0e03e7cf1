"""Hour → day → month CEMS sums with the HJ 212-2017 App. D validity counts.

Days follow App. D: the daily mean concentration is the mean of the valid hourly means and is
valid with m ≥ 20 valid hours (eq. (25)); the daily standard dry volume and CO2 mass are sums
of the hourly values (eqs. (32), (34); eq. (34)'s stray 10⁻⁶ is a misprint — Σ G_h in kg).
Hours substituted by :mod:`~tanji.accounting.cems.substitution` enter the sums and are counted
apart; hours neither measured nor substituted are counted as missing and add nothing.
Months are sums of days; the sources set no monthly validity count, so a month is reported
valid when all its days are [I] and always carries its counts (ADR 0020).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tanji.accounting.cems._checks import CemsInputError, FloatArray, as_float_array

#: HJ 212-2017 App. D eq. (25): a daily mean needs m ≥ 20 valid hourly means.
MIN_VALID_HOURS_PER_DAY = 20
HOURS_PER_DAY = 24

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class CemsPeriod:
    """Sums over days or months, with how each hour was obtained."""

    co2_kg: FloatArray
    std_dry_flow_m3: FloatArray
    co2_mg_per_m3: FloatArray
    measured_hours: IntArray
    substituted_hours: IntArray
    missing_hours: IntArray
    valid: npt.NDArray[np.bool_]


def cems_days(
    co2_kg: Any,
    std_dry_flow_m3: Any,
    co2_mg_per_m3: Any,
    measured: Any,
    substituted: Any | None = None,
    min_valid_hours: int = MIN_VALID_HOURS_PER_DAY,
) -> CemsPeriod:
    """Daily sums of hourly results (length a multiple of 24, the first hour at 00:00).

    Args:
        co2_kg: hourly CO2 mass, kg (NaN where neither measured nor substituted).
        std_dry_flow_m3: hourly standard dry volume, m³.
        co2_mg_per_m3: hourly mean concentration, mg/m³ (standard dry).
        measured: bool mask of valid measured hours (``CemsHour.valid``).
        substituted: bool mask of substituted hours, or None.
        min_valid_hours: m of eq. (25).
    """
    mass, flow, conc = (
        _hourly(name, value)
        for name, value in (
            ("co2_kg", co2_kg),
            ("std_dry_flow_m3", std_dry_flow_m3),
            ("co2_mg_per_m3", co2_mg_per_m3),
        )
    )
    ok = _mask("measured", measured, mass.shape)
    sub = _mask("substituted", substituted, mass.shape) & ~ok
    counted = ok | sub
    n_measured = ok.sum(axis=-1, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conc = np.where(ok, conc, 0.0).sum(axis=-1) / n_measured
    return CemsPeriod(
        co2_kg=np.where(counted, mass, 0.0).sum(axis=-1),
        std_dry_flow_m3=np.where(counted, flow, 0.0).sum(axis=-1),
        co2_mg_per_m3=np.where(n_measured >= min_valid_hours, mean_conc, np.nan),
        measured_hours=n_measured,
        substituted_hours=sub.sum(axis=-1, dtype=np.int64),
        missing_hours=(~counted).sum(axis=-1, dtype=np.int64),
        valid=n_measured >= min_valid_hours,
    )


def cems_months(days: CemsPeriod, days_per_month: Sequence[int]) -> CemsPeriod:
    """Monthly sums of daily results; concentration is the volume-weighted mean of the month.

    Args:
        days: the result of :func:`cems_days` for consecutive days.
        days_per_month: the length of each month in order (:func:`month_day_counts`).
    """
    lengths = np.asarray(days_per_month, dtype=np.int64)
    if lengths.ndim != 1 or (lengths <= 0).any() or int(lengths.sum()) != days.co2_kg.size:
        raise CemsInputError(
            "cems.month_lengths",
            "days_per_month: expected positive day counts summing to {n} days, got {got}",
            n=int(days.co2_kg.size),
            got=[int(v) for v in lengths.reshape(-1)],
        )
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))

    def total(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.add.reduceat(values, starts)

    mass, flow = total(days.co2_kg), total(days.std_dry_flow_m3)
    with np.errstate(invalid="ignore", divide="ignore"):
        conc = np.where(flow > 0, mass / flow * 1.0e6, np.nan)
    return CemsPeriod(
        co2_kg=mass,
        std_dry_flow_m3=flow,
        co2_mg_per_m3=conc,
        measured_hours=total(days.measured_hours),
        substituted_hours=total(days.substituted_hours),
        missing_hours=total(days.missing_hours),
        valid=total(days.valid.astype(np.int64)) == lengths,
    )


def month_day_counts(year: int) -> list[int]:
    """The number of days of each month of ``year`` (Gregorian calendar)."""
    return [calendar.monthrange(year, month)[1] for month in range(1, 13)]


def _hourly(name: str, value: Any) -> FloatArray:
    array = as_float_array(name, value)
    if array.ndim != 1 or array.size % HOURS_PER_DAY:
        raise CemsInputError(
            "cems.hours_shape",
            "{field}: expected a 1-D series of whole days (24·n hours), got shape {got}",
            field=name,
            got=list(array.shape),
        )
    return array.reshape(-1, HOURS_PER_DAY)


def _mask(name: str, value: Any, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    if value is None:
        return np.zeros(shape, dtype=np.bool_)
    mask = np.asarray(value, dtype=np.bool_)
    if mask.size != int(np.prod(shape)):
        raise CemsInputError(
            "cems.hours_shape",
            "{field}: expected {n} hours, got {got}",
            field=name,
            n=int(np.prod(shape)),
            got=int(mask.size),
        )
    return mask.reshape(shape)
