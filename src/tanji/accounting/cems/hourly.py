"""Minute → hour aggregation of a CO2 CEMS: the HJ 212-2017 App. D method and a mass-sum method.

Minute values arrive as arrays whose LAST axis is the minutes of one hour (shape ``(60,)`` for
one hour, ``(8760, 60)`` for a year), with their flags. Only flag ``N`` minutes count (App. D and
Table C.16); an hour is valid with at least ``min_valid_minutes`` of them (App. D eq. (24),
k ≥ 45). Invalid minutes may hold anything, NaN included: they are masked before any arithmetic,
so a flagged minute can never leak into a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tanji.accounting.cems import flue_gas as fg
from tanji.accounting.cems._checks import (
    CemsInputError,
    FloatArray,
    above_absolute_zero,
    as_float_array,
    fraction,
    in_percent,
    non_negative,
    require,
    valid_mask,
)

#: HJ 212-2017 App. D eq. (24): an hourly mean needs k ≥ 45 valid minute means.
MIN_VALID_MINUTES_PER_HOUR = 45
#: Seconds of an hour record, App. D eq. (30).
SECONDS_PER_HOUR = 3600.0

Number = Any
_PER_MINUTE = ("point_velocity_m_per_s", "flue_temp_c", "moisture_fraction", "co2_dry_pct_vol")
#: Range checks of the valid minutes (predicate, expectation, unit), before any averaging.
_MINUTE_RANGES = {
    "point_velocity_m_per_s": (non_negative, "≥ 0", "m/s"),
    "flue_temp_c": (above_absolute_zero, "> −273 °C", "°C"),
    "moisture_fraction": (fraction, "0 ≤ x < 1", "1"),
    "co2_dry_pct_vol": (in_percent, "0 ≤ x ≤ 100", "%vol"),
}
#: A harmless in-range stand-in written over invalid minutes before the range checks.
_SAFE = {
    "point_velocity_m_per_s": 0.0,
    "flue_temp_c": 0.0,
    "moisture_fraction": 0.0,
    "co2_dry_pct_vol": 0.0,
    "static_pressure_pa": 0.0,
    "ambient_pressure_pa": fg.STANDARD_PRESSURE_PA,
}


@dataclass(frozen=True, slots=True)
class CemsHour:
    """Hourly CEMS result; values are NaN where the hour is invalid (``valid`` False)."""

    valid_minutes: npt.NDArray[np.int64]
    valid: npt.NDArray[np.bool_]
    std_dry_flow_m3: FloatArray
    co2_mg_per_m3: FloatArray
    co2_kg: FloatArray
    method: str


@dataclass(frozen=True, slots=True)
class _Minutes:
    values: dict[str, FloatArray]
    mask: npt.NDArray[np.bool_]
    count: npt.NDArray[np.int64]
    hour_valid: npt.NDArray[np.bool_]


def cems_hour(
    duct_area_m2: Number,
    velocity_coefficient: Number,
    ambient_pressure_pa: Number,
    static_pressure_pa: Number,
    point_velocity_m_per_s: Number,
    flue_temp_c: Number,
    moisture_fraction: Number,
    co2_dry_pct_vol: Number,
    flag: object,
    min_valid_minutes: int = MIN_VALID_MINUTES_PER_HOUR,
    molar_mass_g_per_mol: Number = fg.CO2_MOLAR_MASS_G_PER_MOL,
    molar_volume_l_per_mol: Number = fg.MOLAR_VOLUME_L_PER_MOL,
) -> CemsHour:
    """Hourly CO2 by HJ 212-2017 App. D: means of valid minutes, then the hourly formulas.

    Eq. (24): the hourly mean of velocity, temperature, moisture and concentration is the
    arithmetic mean of the k ≥ 45 valid minutes; eqs. (29)–(31) give the standard dry flow of the
    hour from those means × 3600 s; eq. (33) ``G_h = C_h × Q_snh × 10⁻⁶`` kg. Pressures are stack
    constants (scalars or per-hour arrays) or per-minute arrays averaged like the others.
    Worked example TV-07 (P11): 57 of 60 valid → 399 789 m³, 176 677 kg.
    """
    m = _prepare(locals())
    means = {name: _mean(m, name) for name in m.values}
    velocity = fg.flue_velocity_m_per_s(means["point_velocity_m_per_s"], velocity_coefficient)
    actual = fg.actual_wet_flow_m3(duct_area_m2, velocity, SECONDS_PER_HOUR)
    flow = fg.standard_dry_flow_m3(
        actual,
        means["flue_temp_c"],
        means["ambient_pressure_pa"],
        means["static_pressure_pa"],
        means["moisture_fraction"],
    )
    conc = fg.co2_mg_per_m3(means["co2_dry_pct_vol"], molar_mass_g_per_mol, molar_volume_l_per_mol)
    return _result(m, flow, conc, fg.co2_mass_kg(conc, flow), "hj212_appendix_d")


def cems_hour_mass_sum(
    duct_area_m2: Number,
    velocity_coefficient: Number,
    ambient_pressure_pa: Number,
    static_pressure_pa: Number,
    point_velocity_m_per_s: Number,
    flue_temp_c: Number,
    moisture_fraction: Number,
    co2_dry_pct_vol: Number,
    flag: object,
    min_valid_minutes: int = MIN_VALID_MINUTES_PER_HOUR,
    molar_mass_g_per_mol: Number = fg.CO2_MOLAR_MASS_G_PER_MOL,
    molar_volume_l_per_mol: Number = fg.MOLAR_VOLUME_L_PER_MOL,
) -> CemsHour:
    """Hourly CO2 as the flow-weighted sum of valid minute masses, scaled to the full hour.

    Not the App. D method: this is the data-logger practice (HJ 212 minute ``Cou`` summed to the
    hour, concentration recomputed as mass / volume — standards.md §4.1 [F3]). Masses and
    volumes of the k valid minutes are summed and scaled by n/k (n minutes in the record), so
    an hour with 57 valid minutes is comparable with App. D (TV-07: 176 670 kg, −0.004 %).
    """
    m = _prepare(locals())
    minute = fg.cems_minute(
        duct_area_m2,
        velocity_coefficient,
        m.values["point_velocity_m_per_s"],
        m.values["flue_temp_c"],
        m.values["ambient_pressure_pa"],
        m.values["static_pressure_pa"],
        m.values["moisture_fraction"],
        m.values["co2_dry_pct_vol"],
        molar_mass_g_per_mol,
        molar_volume_l_per_mol,
    )
    scale = m.mask.shape[-1] / np.where(m.count > 0, m.count, 1)
    flow = minute.std_dry_flow_m3.sum(axis=-1, where=m.mask) * scale
    mass = minute.co2_kg.sum(axis=-1, where=m.mask) * scale
    with np.errstate(invalid="ignore", divide="ignore"):
        conc = mass / flow * 1.0e6
    return _result(m, flow, conc, mass, "flow_weighted_mass_sum")


@dataclass(frozen=True, slots=True)
class HourlyMeans:
    """Hourly means of any measured tag, with the App. D validity count."""

    mean: FloatArray
    valid_minutes: npt.NDArray[np.int64]
    valid: npt.NDArray[np.bool_]


def hourly_means(
    values: Any, flag: object, min_valid_minutes: int = MIN_VALID_MINUTES_PER_HOUR
) -> HourlyMeans:
    """Means of the valid minutes of any tag (O2, feeder rates …), App. D eq. (24) validity.

    ``values`` has the minutes of an hour on its last axis (``(tags, 8760, 60)`` for a year of
    many tags); NaN or garbage in flagged minutes never counts. Invalid hours are NaN.
    """
    x = as_float_array("values", values)
    mask = valid_mask(flag, x.shape)
    count = mask.sum(axis=-1, dtype=np.int64)
    total = x.sum(axis=-1, where=mask)
    valid = count >= min_valid_minutes
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, total / count, np.nan)
    return HourlyMeans(mean=mean, valid_minutes=count, valid=valid)


def _prepare(args: dict[str, Any]) -> _Minutes:
    """Check shapes, mask invalid minutes with in-range stand-ins and count valid minutes."""
    co2 = as_float_array("co2_dry_pct_vol", args["co2_dry_pct_vol"])
    if co2.ndim == 0:
        raise CemsInputError(
            "cems.minutes_shape", "co2_dry_pct_vol: expected an array of minutes, got a scalar"
        )
    shape = co2.shape
    mask = valid_mask(args["flag"], shape)
    minimum = int(args["min_valid_minutes"])
    if not 1 <= minimum <= shape[-1]:
        raise CemsInputError(
            "cems.min_valid_minutes",
            "min_valid_minutes: expected 1 … {n}, got {got}",
            n=shape[-1],
            got=minimum,
        )
    values: dict[str, FloatArray] = {}
    for name in (*_PER_MINUTE, "ambient_pressure_pa", "static_pressure_pa"):
        raw = as_float_array(name, args[name])
        if name in _PER_MINUTE and raw.shape != shape:
            raise CemsInputError(
                "cems.minutes_shape",
                "{field}: expected shape {expected}, got {got}",
                field=name,
                expected=list(shape),
                got=list(raw.shape),
            )
        values[name] = np.where(mask, raw, _SAFE[name]) if raw.shape == shape else raw
        if name in _MINUTE_RANGES:
            ok, expected, unit = _MINUTE_RANGES[name]
            require(name, values[name], ok, expected, unit)  # a valid minute out of range
    count = mask.sum(axis=-1, dtype=np.int64)
    return _Minutes(values=values, mask=mask, count=count, hour_valid=count >= minimum)


def _mean(m: _Minutes, name: str) -> FloatArray:
    """Mean over valid minutes (eq. (24)); stack constants pass through.

    An hour without any valid minute gets the in-range stand-in: it is invalid anyway and its
    result is replaced by NaN, but the formulas must not trip over a 0/0.
    """
    value = m.values[name]
    if value.shape != m.mask.shape:
        return value
    total = value.sum(axis=-1, where=m.mask)
    some = m.count > 0
    return np.asarray(np.where(some, total / np.where(some, m.count, 1), _SAFE[name]))


def _result(
    m: _Minutes, flow: FloatArray, conc: FloatArray, mass: FloatArray, method: str
) -> CemsHour:
    valid = m.hour_valid
    return CemsHour(
        valid_minutes=m.count,
        valid=valid,
        std_dry_flow_m3=np.where(valid, flow, np.nan),
        co2_mg_per_m3=np.where(valid, conc, np.nan),
        co2_kg=np.where(valid, mass, np.nan),
        method=method,
    )
