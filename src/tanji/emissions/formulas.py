"""The engine's formulas by binding key, and their GUM propagation over arrays of hours.

Each formula maps named inputs (arrays over hours) to fossil and biogenic CO2 (t) by calling the
pure accounting core, so every clause is cited there once: fuel GB/T 32151.8-2015 cl. 5 /
2023 cl. 6; alternative fuels IPCC 2006 Vol. 5 eq. 5.1; process GB/T 32151.8 cl. 5 (clinker
output, raw-meal TOC); electricity and heat GB/T 32151.8 cl. 5. :func:`propagate` is the
first-order law of propagation of JJF 1059.1-2012 (uncorrelated inputs) with sensitivity
coefficients by forward differences, vectorised over hours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt

from tanji.accounting import electricity, fuel, process

FloatArray = npt.NDArray[np.float64]
Inputs = Mapping[str, FloatArray]
Result = tuple[FloatArray, FloatArray]  # fossil, biogenic


def _fuel_mass(x: Inputs) -> Result:
    co2 = fuel.fuel_combustion_co2_t(
        x["consumption_t"], x["ncv_gj_per_t"], x["carbon_content_tc_per_gj"], x["oxidation_rate"]
    )
    return co2, np.zeros_like(co2)


def _fuel_volume(x: Inputs) -> Result:
    co2 = fuel.fuel_combustion_by_volume_co2_t(
        x["volume_l"],
        x["density_kg_per_l"],
        x["ncv_gj_per_t"],
        x["carbon_content_tc_per_gj"],
        x["oxidation_rate"],
    )
    return co2, np.zeros_like(co2)


def _alternative(x: Inputs) -> Result:
    split = fuel.alternative_fuel_by_carbon_co2(
        x["consumption_t"],
        x["dry_matter_fraction"],
        x["carbon_fraction_dry"],
        x["fossil_carbon_fraction"],
        x["oxidation_rate"],
    )
    return np.asarray(split.fossil_co2_t, float), np.asarray(split.biogenic_co2_t, float)


def _process(x: Inputs) -> Result:
    factor = process.clinker_process_emission_factor_tco2_per_t(
        x["cao_fraction"],
        x["cao_noncarbonate_fraction"],
        x["mgo_fraction"],
        x["mgo_noncarbonate_fraction"],
    )
    zero = np.zeros_like(x["clinker_t"])
    carbonate = process.carbonate_process_co2_t(x["clinker_t"], zero, zero, factor)
    toc = process.raw_meal_toc_co2_t(x["raw_meal_t"], x["toc_fraction"])
    return carbonate + toc, zero


def _electricity(x: Inputs) -> Result:
    co2 = electricity.electricity_co2_t(x["consumption_mwh"], x["grid_factor_tco2_per_mwh"])
    return co2, np.zeros_like(co2)


def _heat(x: Inputs) -> Result:
    co2 = electricity.net_heat_co2_t(
        x["heat_gj"], np.zeros_like(x["heat_gj"]), x["heat_factor_tco2_per_gj"]
    )
    return co2, np.zeros_like(co2)


FORMULAS: dict[str, Callable[[Inputs], Result]] = {
    "fuel_mass": _fuel_mass,
    "fuel_volume": _fuel_volume,
    "alternative_fuel_carbon": _alternative,
    "process": _process,
    "electricity": _electricity,
    "heat": _heat,
}


def propagate(formula: str, values: Inputs, uncertainties: Inputs) -> tuple[Result, FloatArray]:
    """Evaluate ``formula`` and its combined standard uncertainty u_c of the fossil CO2 per hour.

    ``u_c² = Σ c_i² u_i²`` (JJF 1059.1-2012 §5, uncorrelated inputs within an hour); c_i by a
    forward difference of 10⁻⁶ relative. Inputs without an entry in ``uncertainties`` are exact.
    """
    function = FORMULAS[formula]
    result = function(values)
    variance = np.zeros_like(result[0])
    for name, u in uncertainties.items():
        step = np.where(values[name] != 0, np.abs(values[name]) * 1e-6, 1e-9)
        shifted = dict(values)
        shifted[name] = values[name] + step
        sensitivity = (function(shifted)[0] - result[0]) / step
        variance = variance + (sensitivity * u) ** 2
    return result, np.sqrt(variance)
