"""The formula registry: formula id → model over named inputs (the ``tanji-cases/1`` ids).

Each :class:`Formula` wraps one function of :mod:`fuel`, :mod:`process` or :mod:`electricity` as a
:data:`~tanji.accounting.uncertainty.Model`, so cases files, activity files, GUM and Monte Carlo all
evaluate the same code. Adding a formula is one :class:`Formula` and one line in
:data:`tanji.accounting.cases.FORMULAS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tanji.accounting import electricity, fuel, process
from tanji.accounting.boundaries import Category
from tanji.accounting.errors import AccountingError
from tanji.accounting.uncertainty import Model

#: Validates the non-numeric inputs of a formula (e.g. the deductions list); raises AccountingError.
ListValidator = Callable[[str, Any], None]


@dataclass(frozen=True)
class Formula:
    """A registered formula.

    Attributes:
        id: stable id used by cases and activity files.
        model: named inputs → named outputs.
        inputs: required numeric inputs (units in the names).
        outputs: outputs the model returns.
        category: GB/T 32151.8 source category of its emission output.
        emission_output: output counted as emission (``co2_t`` or ``fossil_co2_t``).
        clause: clause the formula implements.
        optional: numeric inputs with their default values.
        list_inputs: non-numeric inputs, each with its validator.
    """

    id: str
    model: Model
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    category: Category
    clause: str
    emission_output: str = "co2_t"
    optional: Mapping[str, float] = field(default_factory=dict)
    list_inputs: Mapping[str, ListValidator] = field(default_factory=dict)


def _fuel(x: Mapping[str, Any]) -> dict[str, Any]:
    return {"co2_t": fuel.fuel_combustion_co2_t(x["consumption_t"], *_fuel_args(x))}


def _fuel_by_volume(x: Mapping[str, Any]) -> dict[str, Any]:
    mass = fuel.fuel_mass_from_volume_t(x["volume_l"], x["density_kg_per_l"])
    return {"consumption_t": mass, "co2_t": fuel.fuel_combustion_co2_t(mass, *_fuel_args(x))}


def _fuel_args(x: Mapping[str, Any]) -> tuple[Any, ...]:
    """NCV, carbon content and oxidation rate: the inputs :data:`_FUEL_IN` declares, in order."""
    return tuple(x[name] for name in _FUEL_IN)


def _alt_by_factor(x: Mapping[str, Any]) -> dict[str, Any]:
    r = fuel.alternative_fuel_by_factor_co2(
        x["consumption_t"],
        x["ncv_gj_per_t"],
        x["emission_factor_tco2_per_gj"],
        x["fossil_carbon_fraction"],
    )
    return _fossil_and_biogenic(r)


def _alt_by_carbon(x: Mapping[str, Any]) -> dict[str, Any]:
    r = fuel.alternative_fuel_by_carbon_co2(
        x["consumption_t"],
        x["dry_matter_fraction"],
        x["carbon_fraction_dry"],
        x["fossil_carbon_fraction"],
        x["oxidation_rate"],
    )
    return _fossil_and_biogenic(r)


def _fossil_and_biogenic(r: fuel.AlternativeFuelCO2) -> dict[str, Any]:
    """Both alternative-fuel methods report the same two outputs."""
    return {"fossil_co2_t": r.fossil_co2_t, "biogenic_co2_t": r.biogenic_co2_t}


def _carbonate(x: Mapping[str, Any]) -> dict[str, Any]:
    ef = process.clinker_process_emission_factor_tco2_per_t(
        x["cao_fraction"],
        x["cao_noncarbonate_fraction"],
        x["mgo_fraction"],
        x["mgo_noncarbonate_fraction"],
    )
    co2 = process.carbonate_process_co2_t(x["clinker_t"], x["kiln_dust_t"], x["bypass_dust_t"], ef)
    return {"emission_factor_tco2_per_t": ef, "co2_t": co2}


def _clinker_process(x: Mapping[str, Any]) -> dict[str, Any]:
    """Carbonate decomposition (clinker-output method) plus raw-meal TOC, GB/T 32151.8 cl. 5.

    The process emissions of a clinker line as the live engine reports them; dust is optional
    (0 t when the line weighs none).
    """
    carbonate = _carbonate(x)
    toc = process.raw_meal_toc_co2_t(x["raw_meal_t"], x["toc_fraction"])
    return {
        "emission_factor_tco2_per_t": carbonate["emission_factor_tco2_per_t"],
        "carbonate_co2_t": carbonate["co2_t"],
        "toc_co2_t": toc,
        "co2_t": carbonate["co2_t"] + toc,
    }


def _toc(x: Mapping[str, Any]) -> dict[str, Any]:
    return {"co2_t": process.raw_meal_toc_co2_t(x["raw_meal_t"], x["toc_fraction"])}


def _toc_by_ratio(x: Mapping[str, Any]) -> dict[str, Any]:
    raw_meal = process.raw_meal_from_clinker_t(x["clinker_t"], x["raw_meal_to_clinker_ratio"])
    return {
        "raw_meal_t": raw_meal,
        "co2_t": process.raw_meal_toc_co2_t(raw_meal, x["toc_fraction"]),
    }


def _default_factor(x: Mapping[str, Any]) -> dict[str, Any]:
    deductions = [
        process.Deduction(str(d["material"]), d["material_t"], d["deduction_tco2_per_t"])
        for d in x["deductions"]
    ]
    co2 = process.default_factor_process_co2_t(
        x["clinker_t"], x["clinker_factor_tco2_per_t"], deductions
    )
    return {"co2_t": co2}


def _electricity(x: Mapping[str, Any]) -> dict[str, Any]:
    net = electricity.net_purchased_mwh(x["purchased_mwh"], x["exported_mwh"])
    return {
        "net_mwh": net,
        "co2_t": electricity.electricity_co2_t(net, x["grid_factor_tco2_per_mwh"]),
    }


def _clinker_electricity(x: Mapping[str, Any]) -> dict[str, Any]:
    mwh = electricity.clinker_line_electricity_mwh(
        x["clinker_t"], x["specific_consumption_kwh_per_t"]
    )
    return {
        "consumption_mwh": mwh,
        "co2_t": electricity.electricity_co2_t(mwh, x["grid_factor_tco2_per_mwh"]),
    }


def _heat(x: Mapping[str, Any]) -> dict[str, Any]:
    co2 = electricity.net_heat_co2_t(
        x["purchased_gj"], x["exported_gj"], x["heat_factor_tco2_per_gj"]
    )
    return {"co2_t": co2}


def validate_deductions(name: str, value: Any) -> None:
    """Deductions: a list of {material, material_t, deduction_tco2_per_t}, numbers ≥ 0."""
    if not isinstance(value, list):
        raise AccountingError(
            "cases.bad_input", "input {field!r}: expected a list of deductions", field=name
        )
    for row, item in enumerate(value):
        ok = isinstance(item, dict) and isinstance(item.get("material"), str)
        for key in ("material_t", "deduction_tco2_per_t"):
            number = item.get(key) if isinstance(item, dict) else None
            ok = ok and isinstance(number, int | float) and not isinstance(number, bool)
        if not ok:
            raise AccountingError(
                "cases.bad_deduction",
                "input {field!r} row {row}: expected {{material: text, material_t: number (t),"
                " deduction_tco2_per_t: number (tCO2/t)}}",
                field=name,
                row=row,
            )


_FUEL_IN = ("ncv_gj_per_t", "carbon_content_tc_per_gj", "oxidation_rate")
_GB = "GB/T 32151.8-2015 cl. 5 / 2023 cl. 6"

# fmt: off
#: Built-in formulas; :data:`tanji.accounting.cases.FORMULAS` indexes them (and CEMS) by id.
BUILT_IN: tuple[Formula, ...] = (
    Formula("fuel_combustion", _fuel, ("consumption_t", *_FUEL_IN), ("co2_t",),
            Category.FOSSIL_FUEL, f"{_GB}, fossil fuel combustion"),
    Formula("fuel_combustion_by_volume", _fuel_by_volume,
            ("volume_l", "density_kg_per_l", *_FUEL_IN), ("consumption_t", "co2_t"),
            Category.FOSSIL_FUEL, f"{_GB}, fossil fuel combustion, FC = V × ρ"),
    Formula("alternative_fuel_by_factor", _alt_by_factor,
            ("consumption_t", "ncv_gj_per_t", "emission_factor_tco2_per_gj",
             "fossil_carbon_fraction"), ("fossil_co2_t", "biogenic_co2_t"),
            Category.ALTERNATIVE_FUEL, f"{_GB}, alternative fuels", "fossil_co2_t"),
    Formula("alternative_fuel_by_carbon", _alt_by_carbon,
            ("consumption_t", "dry_matter_fraction", "carbon_fraction_dry",
             "fossil_carbon_fraction", "oxidation_rate"), ("fossil_co2_t", "biogenic_co2_t"),
            Category.ALTERNATIVE_FUEL, "IPCC 2006 Vol.5 eq.5.1; " + _GB, "fossil_co2_t"),
    Formula("process_carbonate", _carbonate,
            ("clinker_t", "kiln_dust_t", "bypass_dust_t", "cao_fraction",
             "cao_noncarbonate_fraction", "mgo_fraction", "mgo_noncarbonate_fraction"),
            ("emission_factor_tco2_per_t", "co2_t"), Category.PROCESS_CARBONATE,
            f"{_GB}, carbonate decomposition, clinker-output method"),
    Formula("clinker_process", _clinker_process,
            ("clinker_t", "cao_fraction", "cao_noncarbonate_fraction", "mgo_fraction",
             "mgo_noncarbonate_fraction", "raw_meal_t", "toc_fraction"),
            ("emission_factor_tco2_per_t", "carbonate_co2_t", "toc_co2_t", "co2_t"),
            Category.PROCESS_CARBONATE,
            f"{_GB}, process emissions: carbonates (clinker output) + raw-meal TOC",
            optional={"kiln_dust_t": 0.0, "bypass_dust_t": 0.0}),
    Formula("process_toc", _toc, ("raw_meal_t", "toc_fraction"), ("co2_t",),
            Category.PROCESS_TOC, f"{_GB}, non-fuel carbon of raw meal"),
    Formula("process_toc_by_ratio", _toc_by_ratio,
            ("clinker_t", "raw_meal_to_clinker_ratio", "toc_fraction"),
            ("raw_meal_t", "co2_t"), Category.PROCESS_TOC,
            f"{_GB}, non-fuel carbon of raw meal, raw meal = clinker × ratio"),
    Formula("process_default_factor", _default_factor,
            ("clinker_t", "clinker_factor_tco2_per_t"), ("co2_t",),
            Category.PROCESS_CARBONATE, "national clinker guideline 2025, process emissions",
            list_inputs={"deductions": validate_deductions}),
    Formula("electricity", _electricity,
            ("purchased_mwh", "exported_mwh", "grid_factor_tco2_per_mwh"),
            ("net_mwh", "co2_t"), Category.ELECTRICITY, f"{_GB}, net purchased electricity"),
    Formula("clinker_electricity", _clinker_electricity,
            ("clinker_t", "specific_consumption_kwh_per_t", "grid_factor_tco2_per_mwh"),
            ("consumption_mwh", "co2_t"), Category.ELECTRICITY,
            f"{_GB}; national clinker guideline 2025, clinker-line electricity"),
    Formula("heat", _heat, ("purchased_gj", "exported_gj", "heat_factor_tco2_per_gj"),
            ("co2_t",), Category.HEAT, f"{_GB}, net purchased heat"),
)
# fmt: on
