"""The TV-09 monthly enterprise model: one callable for GUM, Monte Carlo and budgets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tanji.accounting.electricity import electricity_co2_t
from tanji.accounting.fuel import (
    alternative_fuel_by_carbon_co2,
    alternative_fuel_by_factor_co2,
    fuel_combustion_by_volume_co2_t,
    fuel_combustion_co2_t,
)
from tanji.accounting.process import clinker_process_emission_factor_tco2_per_t, raw_meal_toc_co2_t
from tanji.accounting.uncertainty.budget import UncertainInput
from tests.accounting.worked_examples import load_example

TV09 = load_example("tv09_gum_mcm")


def enterprise_model(x: Mapping[str, Any]) -> dict[str, Any]:
    """Sources, the process factor and the enterprise total of one month (t CO2)."""
    coal = fuel_combustion_co2_t(
        x["coal_t"],
        x["coal_ncv_gj_per_t"],
        x["coal_carbon_content_tc_per_gj"],
        x["coal_oxidation_rate"],
    )
    diesel = fuel_combustion_by_volume_co2_t(
        x["diesel_l"],
        x["diesel_density_kg_per_l"],
        x["diesel_ncv_gj_per_t"],
        x["diesel_carbon_content_tc_per_gj"],
        x["diesel_oxidation_rate"],
    )
    cloth = alternative_fuel_by_factor_co2(
        x["cloth_t"],
        x["cloth_ncv_gj_per_t"],
        x["cloth_emission_factor_tco2_per_gj"],
        x["cloth_fossil_carbon_fraction"],
    ).fossil_co2_t
    msw = alternative_fuel_by_carbon_co2(
        x["msw_t"],
        x["msw_dry_matter_fraction"],
        x["msw_carbon_fraction_dry"],
        x["msw_fossil_carbon_fraction"],
        1.0,
    ).fossil_co2_t
    factor = clinker_process_emission_factor_tco2_per_t(
        x["cao_fraction"],
        x["cao_noncarbonate_fraction"],
        x["mgo_fraction"],
        x["mgo_noncarbonate_fraction"],
    )
    process = x["clinker_equivalent_t"] * factor
    toc = raw_meal_toc_co2_t(x["raw_meal_t"], x["toc_fraction"])
    electricity = electricity_co2_t(x["net_purchased_mwh"], x["grid_factor_tco2_per_mwh"])
    sources = {
        "coal": coal,
        "diesel": diesel,
        "cloth": cloth,
        "msw": msw,
        "process": process,
        "toc": toc,
        "electricity": electricity,
    }
    clinker = coal + process + toc + cloth + msw
    return {
        **sources,
        "process_factor": factor,
        "clinker_direct": clinker,
        "total": clinker + diesel + electricity,
    }


def tv09_inputs(kind_of: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The TV-09 inputs as :class:`UncertainInput` (constants where the example has none)."""
    kinds = kind_of or {}
    inputs: dict[str, Any] = {}
    for name, (value, relative, source) in TV09["inputs"].items():
        if relative is None:
            inputs[name] = value
        else:
            inputs[name] = UncertainInput(
                value,
                abs(value) * relative,
                source=source,
                kind=kinds.get(name, "systematic"),  # type: ignore[arg-type]
            )
    for name, (value, u, source) in TV09["absolute_uncertainties"].items():
        inputs[name] = UncertainInput(value, u, source=source)
    return inputs
