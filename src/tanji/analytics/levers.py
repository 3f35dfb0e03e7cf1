"""Reduction-potential diagnosis (减排潜力诊断): what-if levers on a line's year, via the formulas.

Each lever changes one input of the accounting and recomputes with the core's own formulas:

* ``heat`` — fuel heat per tonne of clinker down to the benchmark (100 kgce/t, standards §10
  [R]); the coal no longer fired is E = FC × NCV × CC × OF × 44/12 (GB/T 32151.8-2023 cl. 6).
* ``biomass`` — a larger share of the (remaining) fuel heat from biomass, whose CO2 is biogenic
  and not counted (GB/T 32151.8-2015 alternative fuels); displaced coal as above.
* ``non_carbonate_cao`` — more clinker CaO from non-carbonate sources (calcium-carbide slag,
  steel slag): EF = (FR1 − FR10) × 44/56 + (FR2 − FR20) × 44/40 (GB/T 32151.8-2015 cl. 5;
  2025 clinker guideline deductions), so raising FR10 lowers the process CO2 of every tonne.
* ``green_electricity`` — a share of the line's electricity from zero-emission supply, E = AD ×
  EF_grid (GB/T 32151.8 cl. 5) on the remainder.

Levers are applied in that order, each on the state the previous ones left (efficiency before
substitution, so the same coal is never saved twice), and ranked by size. The uncertainty of a
saving is that of the baseline data it rests on (JJF 1059.1 first-order propagation through
:func:`tanji.accounting.uncertainty.gum.propagate`), not of whether the lever is realised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from tanji.accounting.electricity import electricity_co2_t
from tanji.accounting.fuel import CO2_PER_C, fuel_combustion_co2_t
from tanji.accounting.process import clinker_process_emission_factor_tco2_per_t
from tanji.accounting.uncertainty.gum import propagate
from tanji.analytics.benchmark import MJ_PER_KGCE
from tanji.analytics.errors import AnalyticsError

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Baseline:
    """A line's (or enterprise's) period at the clinker boundary, as the levers need it.

    Attributes:
        period_days: length of the period; savings are scaled to a year.
        clinker_t: clinker produced.
        fossil_fuel_co2_t: CO2 of the fossil fuels fired (coal, diesel).
        ncv_gj_per_t: net calorific value of the coal.
        carbon_tc_per_gj: carbon content per unit heat of the coal.
        oxidation: oxidation rate of the coal.
        alternative_heat_gj: heat from alternative fuels (refuse, biomass).
        cao_fraction, cao_nc_fraction, mgo_fraction, mgo_nc_fraction: clinker oxides (mass
            fractions) and their non-carbonate parts (FR1, FR10, FR2, FR20).
        electricity_mwh: electricity consumed by the line.
        grid_factor_tco2_per_mwh: grid emission factor in use.
        u_rel: relative standard uncertainty of the inputs by name (missing: exact).
    """

    period_days: float
    clinker_t: float
    fossil_fuel_co2_t: float
    ncv_gj_per_t: float
    carbon_tc_per_gj: float
    oxidation: float
    alternative_heat_gj: float
    cao_fraction: float
    cao_nc_fraction: float
    mgo_fraction: float
    mgo_nc_fraction: float
    electricity_mwh: float
    grid_factor_tco2_per_mwh: float
    u_rel: Mapping[str, float] = field(default_factory=dict)

    @property
    def coal_t(self) -> float:
        """Coal fired, back from its CO2: FC = E / (NCV × CC × OF × 44/12)."""
        per_t = self.ncv_gj_per_t * self.carbon_tc_per_gj * self.oxidation * CO2_PER_C
        return self.fossil_fuel_co2_t / per_t

    @property
    def heat_gj_per_t(self) -> float:
        """All fuel heat per tonne of clinker."""
        return (self.coal_t * self.ncv_gj_per_t + self.alternative_heat_gj) / self.clinker_t


@dataclass(frozen=True)
class Settings:
    """Targets of the levers (each may be switched off with None)."""

    heat_kgce_per_t: float | None = 100.0
    biomass_heat_share: float | None = 0.15
    cao_nc_increase: float | None = 0.01
    green_electricity_share: float | None = 0.2


@dataclass(frozen=True)
class Lever:
    """One lever's saving per year with its standard uncertainty, and the target it assumed."""

    key: str
    saving_t_per_year: float
    u_t_per_year: float
    target: float
    unit: str
    clause: str


def _coal_saved(x: Mapping[str, Any], heat_after_gj: Any) -> Any:
    """CO2 of the coal heat no longer fired, by GB/T 32151.8-2023 cl. 6."""
    coal_heat = x["fossil_fuel_co2_t"] / (x["carbon_tc_per_gj"] * x["oxidation"] * CO2_PER_C)
    fuel_heat = coal_heat + x["alternative_heat_gj"]
    saved_heat = np.minimum(np.maximum(fuel_heat - heat_after_gj, 0.0), coal_heat)
    return fuel_combustion_co2_t(
        saved_heat / x["ncv_gj_per_t"], x["ncv_gj_per_t"], x["carbon_tc_per_gj"], x["oxidation"]
    )


def _heat_model(target_gj_per_t: float) -> Any:
    def model(x: Mapping[str, Any]) -> dict[str, Any]:
        return {"saving": _coal_saved(x, target_gj_per_t * x["clinker_t"])}

    return model


def _biomass_model(share: float) -> Any:
    def model(x: Mapping[str, Any]) -> dict[str, Any]:
        coal_heat = x["fossil_fuel_co2_t"] / (x["carbon_tc_per_gj"] * x["oxidation"] * CO2_PER_C)
        fuel_heat = coal_heat + x["alternative_heat_gj"]
        extra = np.maximum(share * fuel_heat - x["alternative_heat_gj"], 0.0)
        return {"saving": _coal_saved(x, fuel_heat - extra)}

    return model


def _cao_model(increase: float) -> Any:
    def model(x: Mapping[str, Any]) -> dict[str, Any]:
        before = clinker_process_emission_factor_tco2_per_t(
            x["cao_fraction"], x["cao_nc_fraction"], x["mgo_fraction"], x["mgo_nc_fraction"]
        )
        after = clinker_process_emission_factor_tco2_per_t(
            x["cao_fraction"],
            np.minimum(x["cao_nc_fraction"] + increase, x["cao_fraction"]),
            x["mgo_fraction"],
            x["mgo_nc_fraction"],
        )
        return {"saving": x["clinker_t"] * (before - after)}

    return model


def _green_model(share: float) -> Any:
    def model(x: Mapping[str, Any]) -> dict[str, Any]:
        mwh = x["electricity_mwh"] * share
        return {"saving": electricity_co2_t(mwh, x["grid_factor_tco2_per_mwh"])}

    return model


def _inputs(base: Baseline) -> tuple[dict[str, float], dict[str, float]]:
    names = (
        "clinker_t", "fossil_fuel_co2_t", "ncv_gj_per_t", "carbon_tc_per_gj", "oxidation",
        "alternative_heat_gj", "cao_fraction", "cao_nc_fraction", "mgo_fraction",
        "mgo_nc_fraction", "electricity_mwh", "grid_factor_tco2_per_mwh",
    )  # fmt: skip
    values = {n: float(getattr(base, n)) for n in names}
    u = {n: abs(values[n]) * base.u_rel[n] for n in names if base.u_rel.get(n)}
    return values, u


def _check(base: Baseline, settings: Settings) -> None:
    if base.clinker_t <= 0 or base.period_days <= 0:
        raise AnalyticsError(
            "analytics.no_production", "no clinker produced or planned in the period"
        )
    for name in ("biomass_heat_share", "cao_nc_increase", "green_electricity_share"):
        value = getattr(settings, name)
        if value is not None and not 0.0 <= value <= 1.0:
            raise AnalyticsError(
                "analytics.bad_lever",
                "{name}: expected a fraction between 0 and 1, got {value}",
                name=name,
                value=value,
            )


def levers(base: Baseline, settings: Settings | None = None) -> list[Lever]:
    """Savings per year of every lever switched on, largest first (applied in sequence)."""
    settings = settings or Settings()
    _check(base, settings)
    scale = DAYS_PER_YEAR / base.period_days
    steps: list[tuple[str, float | None, Any, str, str]] = [
        ("heat", settings.heat_kgce_per_t, None, "kgce/t", "GB/T 32151.8-2023 cl. 6"),
        ("biomass", settings.biomass_heat_share, None, "1", "GB/T 32151.8-2015 alt. fuels"),
        ("non_carbonate_cao", settings.cao_nc_increase, None, "1", "GB/T 32151.8-2015 cl. 5"),
        ("green_electricity", settings.green_electricity_share, None, "1", "GB/T 32151.8 cl. 5"),
    ]
    found: list[Lever] = []
    state = base
    for key, target, _, unit, clause in steps:
        if target is None:
            continue
        model = _model(key, target)
        values, u = _inputs(state)
        result = propagate(model, values, u)
        saving = result.values["saving"]
        found.append(Lever(key, saving * scale, result.u["saving"] * scale, target, unit, clause))
        state = _after(key, state, target, saving)
    return sorted(found, key=lambda lever: -lever.saving_t_per_year)


def _model(key: str, target: float) -> Any:
    if key == "heat":
        return _heat_model(target * MJ_PER_KGCE / 1000.0)
    if key == "biomass":
        return _biomass_model(target)
    if key == "non_carbonate_cao":
        return _cao_model(target)
    return _green_model(target)


def _after(key: str, state: Baseline, target: float, saving: float) -> Baseline:
    """The baseline once a lever is realised, for the next lever to act on."""
    if key == "heat":
        return replace(state, fossil_fuel_co2_t=state.fossil_fuel_co2_t - saving)
    if key == "biomass":
        coal_heat = state.coal_t * state.ncv_gj_per_t
        extra = max(target * (coal_heat + state.alternative_heat_gj) - state.alternative_heat_gj, 0)
        return replace(
            state,
            fossil_fuel_co2_t=state.fossil_fuel_co2_t - saving,
            alternative_heat_gj=state.alternative_heat_gj + min(extra, coal_heat),
        )
    if key == "non_carbonate_cao":
        return replace(
            state, cao_nc_fraction=min(state.cao_nc_fraction + target, state.cao_fraction)
        )
    return replace(state, electricity_mwh=state.electricity_mwh * (1.0 - target))
