"""Accounting workloads of `bench_accounting`: a year of minute CEMS for one line; 10⁶-draw MC.

(a) One kiln line, 2023 at minute resolution (525 600 minutes) × 30 tags held in memory: the
four CEMS tags with their flags through HJ 212 App. D hours (and the mass-sum method), HJ 75
substitution, days and months; the other 26 tags (feeders, scales, meters, O2 …) to hourly
means with the same validity rule; monthly fuel and process CO2 from them. Target < 0.5 s;
ceiling: dense NumPy hourly means of 100 tags × 525 600 in 0.037 s (performance.md §5).
(b) Monte Carlo, M = 10⁶, of a whole enterprise boundary (22 uncertain inputs, 7 sources).
Target < 0.5 s; ceiling: 0.196 s for a 10-input model (performance.md §7).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from tests.accounting.cems.factories import days_of

from tanji.accounting import fuel, process
from tanji.accounting.cems import (
    cems_hour,
    cems_hour_mass_sum,
    cems_months,
    hourly_means,
    month_day_counts,
    substitute_cems_hours,
)
from tanji.accounting.uncertainty.distributions import (
    LogNormal,
    Normal,
    Rectangular,
    Triangular,
)
from tanji.accounting.uncertainty.montecarlo import monte_carlo

MINUTES = 525_600
HOURS = MINUTES // 60
OTHER_TAGS = 26
CEILING_HOURLY_100_TAGS_S = 0.037
CEILING_MC_10_INPUTS_S = 0.196
TARGET_S = 0.5


def _year(seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    shape = (HOURS, 60)
    flag = np.where(rng.random(shape) < 0.002, "D", "N")
    flag[1000:1030] = "M"  # a 30-hour maintenance stop: the long-gap substitution rule
    flag[4000:4005] = "C"
    return {
        "point_velocity_m_per_s": 14.8 + rng.normal(0, 0.2, shape),
        "flue_temp_c": 115.0 + rng.normal(0, 1.0, shape),
        "moisture_fraction": 0.095 + rng.normal(0, 0.002, shape),
        "co2_dry_pct_vol": 22.5 + rng.normal(0, 0.3, shape),
        "flag": flag,
        "others": 100.0 + rng.normal(0, 5.0, (OTHER_TAGS, *shape)),
        "other_flags": rng.random((OTHER_TAGS, *shape)) >= 0.002,
    }


STACK = {
    "duct_area_m2": 12.566,
    "velocity_coefficient": 0.95,
    "ambient_pressure_pa": 100_800.0,
    "static_pressure_pa": -800.0,
}


def _line_year(data: Mapping[str, Any]) -> tuple[float, float]:
    """CEMS year (t) and the calculated fuel + process CO2 (t) of the same line."""
    cems = {
        k: data[k]
        for k in (
            "point_velocity_m_per_s",
            "flue_temp_c",
            "moisture_fraction",
            "co2_dry_pct_vol",
            "flag",
        )
    }
    hours = cems_hour(**STACK, **cems)
    cems_hour_mass_sum(**STACK, **cems)
    filled = substitute_cems_hours(hours)
    days = days_of(filled)
    months = cems_months(days, month_day_counts(2023))
    tags = hourly_means(data["others"], data["other_flags"])
    monthly = np.add.reduceat(np.nan_to_num(tags.mean), _month_hour_starts(), axis=1)
    coal_t, clinker_t = monthly[0] * 0.26, monthly[1] * 2.08  # t/h rates → t per month
    fuel_t = fuel.fuel_combustion_co2_t(coal_t, 22.5, 0.02618, 0.98)
    process_t = clinker_t * process.clinker_process_emission_factor_tco2_per_t(
        0.655, 0.012, 0.022, 0.003
    )
    return float(months.co2_kg.sum() / 1000.0), float((fuel_t + process_t).sum())


def _month_hour_starts() -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.concatenate(([0], np.cumsum(month_day_counts(2023))[:-1])) * 24


def _boundary(x: Mapping[str, Any]) -> dict[str, Any]:
    coal = fuel.fuel_combustion_co2_t(x["coal_t"], x["ncv"], x["cc"], x["of"])
    diesel = fuel.fuel_combustion_co2_t(x["diesel_t"], x["d_ncv"], x["d_cc"], 0.98)
    cloth = x["cloth_t"] * x["cloth_ef"] * x["cloth_fcf"] * 16.5
    msw = x["msw_t"] * x["msw_dm"] * x["msw_cf"] * x["msw_fcf"] * 44 / 12
    factor = process.clinker_process_emission_factor_tco2_per_t(
        x["cao"], x["cao_nc"], x["mgo"], x["mgo_nc"]
    )
    carbonate = x["q_eq"] * factor
    toc = x["raw_meal_t"] * x["toc"] * 44 / 12
    electricity = x["net_mwh"] * 0.5306
    return {"total": coal + diesel + cloth + msw + carbonate + toc + electricity}


BOUNDARY_INPUTS: dict[str, Any] = {
    "coal_t": Normal(18_500, 111),
    "ncv": Normal(22.5, 0.225),
    "cc": Normal(0.02618, 0.00052),
    "of": Triangular(0.97, 0.98, 0.99),
    "diesel_t": Rectangular.centred(12.0, 0.1),
    "d_ncv": Normal(42.652, 0.4),
    "d_cc": Normal(0.0202, 0.0004),
    "cloth_t": Normal(800, 8),
    "cloth_ef": Normal(0.0933, 0.0047),
    "cloth_fcf": Rectangular.centred(0.6, 0.1),
    "msw_t": Normal(3000, 30),
    "msw_dm": Normal(0.55, 0.0275),
    "msw_cf": Normal(0.38, 0.038),
    "msw_fcf": Rectangular.centred(0.40, 0.1),
    "cao": Normal(0.655, 0.002),
    "cao_nc": Normal(0.012, 0.0015),
    "mgo": Normal(0.022, 0.001),
    "mgo_nc": Normal(0.003, 0.0005),
    "q_eq": Normal(151_260, 1513),
    "raw_meal_t": Normal(232_500, 3488),
    "toc": LogNormal(0.001, 0.0003),
    "net_mwh": Rectangular.centred(13_700, 68.5),
}


def _median_time(call: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds (CPU sums threads; on a loaded VM it is the steadier one)."""
    call()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return float(np.median(wall)), float(np.median(cpu))


def cems_and_monte_carlo() -> Iterator[str]:
    """Yield the figures of (a) and (b) with their ratios to target and ceiling."""
    data = _year()
    tags = 4 + OTHER_TAGS
    yield f"load average before: {os.getloadavg()[0]:.2f} (2 cores; other load inflates figures)"
    a, a_cpu = _median_time(lambda: _line_year(data))
    ceiling_a = CEILING_HOURLY_100_TAGS_S * tags / 100
    yield (
        f"(a) CEMS + accounting, 1 line, {MINUTES} min x {tags} tags: {a:.3f} s (CPU {a_cpu:.3f} s)"
    )
    yield (
        f"    target {TARGET_S} s (ratio {a / TARGET_S:.2f}); ceiling {ceiling_a:.4f} s "
        f"(§5 0.037 s x {tags}/100 tags, ratio {a / ceiling_a:.1f})"
    )
    b, b_cpu = _median_time(
        lambda: monte_carlo(_boundary, BOUNDARY_INPUTS, seed=1, outputs=["total"]), runs=3
    )
    inputs = len(BOUNDARY_INPUTS)
    ceiling_b = CEILING_MC_10_INPUTS_S * inputs / 10
    yield (
        f"(b) Monte Carlo 1e6 draws, enterprise boundary, {inputs} inputs: {b:.3f} s "
        f"(CPU {b_cpu:.3f} s over 2 threads)"
    )
    yield (
        f"    target {TARGET_S} s (ratio {b / TARGET_S:.2f}); ceiling {CEILING_MC_10_INPUTS_S} s "
        f"for 10 inputs (ratio {b / CEILING_MC_10_INPUTS_S:.2f}; per input "
        f"{b / ceiling_b:.2f})"
    )
