"""Synthetic CEMS minute data (a stack near the TV-06 operating point)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tanji.accounting.cems import CemsPeriod, SubstitutedHours, cems_days

STACK: dict[str, float] = {
    "duct_area_m2": 12.566370614359172,
    "velocity_coefficient": 0.95,
    "ambient_pressure_pa": 100_800.0,
    "static_pressure_pa": -800.0,
}


def minutes(hours: int, seed: int = 0, invalid_fraction: float = 0.0) -> dict[str, Any]:
    """Per-minute arrays of shape (hours, 60) and their flags (N, or C where invalid)."""
    rng = np.random.default_rng(seed)
    shape = (hours, 60)
    flag = np.where(rng.random(shape) < invalid_fraction, "C", "N")
    return {
        "point_velocity_m_per_s": 14.8 + rng.normal(0, 0.2, shape),
        "flue_temp_c": 115.0 + rng.normal(0, 1.0, shape),
        "moisture_fraction": 0.095 + rng.normal(0, 0.002, shape),
        "co2_dry_pct_vol": 22.5 + rng.normal(0, 0.3, shape),
        "flag": flag,
    }


def hour_case(case: dict[str, Any]) -> dict[str, Any]:
    """A ``cems_hour`` case of the reference format (a list of minute records) as arrays."""
    inputs = dict(case["inputs"])
    records = inputs.pop("minutes")
    for name in records[0]:
        inputs[name] = np.array([r[name] for r in records])
    return inputs


def days_of(filled: SubstitutedHours) -> CemsPeriod:
    """Daily sums of substituted hours, measured and substituted hours counted apart."""
    return cems_days(
        filled.co2_kg,
        filled.std_dry_flow_m3,
        filled.co2_mg_per_m3,
        filled.measured,
        filled.substituted,
    )
