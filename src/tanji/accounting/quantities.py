"""Units the platform meets and conversion between them.

Meters and laboratories report in their own units (kg from a belt scale, kWh from an energy meter,
MJ/kg from a calorimeter, % from an analyser, L from a diesel flow meter); the formulas take the
units named in their argument names. Conversion is by exact factors to one base unit per dimension;
units of different dimensions never convert (volume → mass needs a density, see
:func:`tanji.accounting.fuel.fuel_mass_from_volume_t`).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

from tanji.accounting.errors import UnitError

Num = TypeVar("Num", float, npt.NDArray[np.float64])

#: unit → (dimension, factor to the dimension's base unit). Aliases in Chinese are accepted.
UNITS: dict[str, tuple[str, float]] = {
    # mass, base t
    "t": ("mass", 1.0),
    "kt": ("mass", 1e3),
    "kg": ("mass", 1e-3),
    "g": ("mass", 1e-6),
    "吨": ("mass", 1.0),
    "万t": ("mass", 1e4),
    # energy, base GJ
    "GJ": ("energy", 1.0),
    "MJ": ("energy", 1e-3),
    "kJ": ("energy", 1e-6),
    "TJ": ("energy", 1e3),
    "kWh": ("energy", 3.6e-3),
    "MWh": ("energy", 3.6),
    "GWh": ("energy", 3.6e3),
    # volume, base m3
    "m3": ("volume", 1.0),
    "m³": ("volume", 1.0),
    "L": ("volume", 1e-3),
    "l": ("volume", 1e-3),
    "万Nm3": ("normal_volume", 1e4),
    "Nm3": ("normal_volume", 1.0),
    "Nm³": ("normal_volume", 1.0),
    # dimensionless, base fraction
    "fraction": ("ratio", 1.0),
    "1": ("ratio", 1.0),
    "%": ("ratio", 1e-2),
    "‰": ("ratio", 1e-3),
    "ppm": ("ratio", 1e-6),
    "t/t": ("ratio", 1.0),
    # specific energy, base GJ/t
    "GJ/t": ("specific_energy", 1.0),
    "MJ/kg": ("specific_energy", 1.0),
    "kJ/kg": ("specific_energy", 1e-3),
    "kcal/kg": ("specific_energy", 4.1868e-3),  # coal labs; international-table calorie
    # carbon per energy, base tC/GJ
    "tC/GJ": ("carbon_per_energy", 1.0),
    "kgC/GJ": ("carbon_per_energy", 1e-3),
    # CO2 per energy / mass / electricity
    "tCO2/GJ": ("co2_per_energy", 1.0),
    "kgCO2/GJ": ("co2_per_energy", 1e-3),
    "tCO2/t": ("co2_per_mass", 1.0),
    "kgCO2/t": ("co2_per_mass", 1e-3),
    "tCO2/MWh": ("co2_per_electricity", 1.0),
    "kgCO2/kWh": ("co2_per_electricity", 1.0),
    "tCO2/kWh": ("co2_per_electricity", 1e3),
    # density, base kg/L (= t/m3)
    "kg/L": ("density", 1.0),
    "t/m3": ("density", 1.0),
    "kg/m3": ("density", 1e-3),
    "g/cm3": ("density", 1.0),
    # specific electricity, base kWh/t
    "kWh/t": ("specific_electricity", 1.0),
    "MWh/t": ("specific_electricity", 1e3),
    # --- what terminals and CEMS send (HJ 212-2017 App. B units, scales, flow meters) ---
    # mass flow, base t/h (belt scales, rotor scales, coal feeders)
    "t/h": ("mass_rate", 1.0),
    "kg/h": ("mass_rate", 1e-3),
    "kg/s": ("mass_rate", 3.6),
    "g/s": ("mass_rate", 3.6e-3),
    "kg/min": ("mass_rate", 6e-2),
    "t/d": ("mass_rate", 1 / 24),
    # volume flow, base m3/h (liquid fuel and water meters; HJ 212 a01011-style flows)
    "m3/h": ("volume_rate", 1.0),
    "m³/h": ("volume_rate", 1.0),
    "m3/s": ("volume_rate", 3600.0),
    "m³/s": ("volume_rate", 3600.0),
    "L/h": ("volume_rate", 1e-3),
    "L/min": ("volume_rate", 6e-2),
    "L/s": ("volume_rate", 3.6),
    # gas flow at normal (standard) conditions, base Nm3/h (flue gas, natural gas)
    "Nm3/h": ("normal_volume_rate", 1.0),
    "Nm³/h": ("normal_volume_rate", 1.0),
    "Nm3/s": ("normal_volume_rate", 3600.0),
    "Nm³/s": ("normal_volume_rate", 3600.0),
    "万Nm3/h": ("normal_volume_rate", 1e4),
    # mass concentration in flue gas, base mg/m3 (HJ 75 reports dry gas at standard state)
    "mg/m3": ("mass_concentration", 1.0),
    "mg/m³": ("mass_concentration", 1.0),
    "g/m3": ("mass_concentration", 1e3),
    "g/m³": ("mass_concentration", 1e3),
    "μg/m3": ("mass_concentration", 1e-3),
    "ug/m3": ("mass_concentration", 1e-3),
    # energy per normal volume, base GJ/Nm3 (gas NCV: GB/T 32151.8 tabulates GJ/万Nm3)
    "GJ/Nm3": ("energy_per_normal_volume", 1.0),
    "GJ/万Nm3": ("energy_per_normal_volume", 1e-4),
    "MJ/Nm3": ("energy_per_normal_volume", 1e-3),
    "MJ/Nm³": ("energy_per_normal_volume", 1e-3),
    "kJ/Nm3": ("energy_per_normal_volume", 1e-6),
    # pressure, base kPa (CEMS flue pressure a01013)
    "kPa": ("pressure", 1.0),
    "Pa": ("pressure", 1e-3),
    "hPa": ("pressure", 0.1),
    "MPa": ("pressure", 1e3),
    # speed, base m/s (CEMS flue velocity a01011)
    "m/s": ("speed", 1.0),
    "km/h": ("speed", 1 / 3.6),
    # area, base m2 (stack cross-section a01012)
    "m2": ("area", 1.0),
    "m²": ("area", 1.0),
    # power, base kW (electricity meters' demand)
    "kW": ("power", 1.0),
    "MW": ("power", 1e3),
    "W": ("power", 1e-3),
    # temperature, base °C: spellings only. Kelvin and Fahrenheit need an offset, which a
    # factor cannot express; they are refused as unknown rather than converted wrongly.
    "°C": ("temperature", 1.0),
    "℃": ("temperature", 1.0),
    "degC": ("temperature", 1.0),
}


def dimension_of(unit: str) -> str:
    """Dimension of a known unit (``"mass"``, ``"energy"`` …).

    Raises:
        UnitError: the unit is not known to the platform.
    """
    try:
        return UNITS[unit][0]
    except KeyError:
        raise UnitError(
            "unit.unknown",
            "unknown unit {unit!r}; known units: {known}",
            unit=unit,
            known=", ".join(sorted(UNITS)),
        ) from None


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor f with value[to_unit] = value[from_unit] × f.

    Raises:
        UnitError: a unit is unknown or the two belong to different dimensions.
    """
    from_dim, to_dim = dimension_of(from_unit), dimension_of(to_unit)
    if from_dim != to_dim:
        raise UnitError(
            "unit.incompatible",
            "cannot convert {from_unit!r} ({from_dim}) to {to_unit!r} ({to_dim})",
            from_unit=from_unit,
            to_unit=to_unit,
            from_dim=from_dim,
            to_dim=to_dim,
        )
    return UNITS[from_unit][1] / UNITS[to_unit][1]


def convert(value: Num, from_unit: str, to_unit: str) -> Num:
    """Convert a value (float or array) between units of one dimension."""
    return value * conversion_factor(from_unit, to_unit)


#: Suffix of an input name → its unit (longest suffix first), e.g. ``ncv_gj_per_t`` → GJ/t.
_SUFFIX_UNITS: tuple[tuple[str, str], ...] = (
    ("_tco2_per_gj", "tCO2/GJ"),
    ("_tco2_per_mwh", "tCO2/MWh"),
    ("_tco2_per_t", "tCO2/t"),
    ("_tc_per_gj", "tC/GJ"),
    ("_gj_per_t", "GJ/t"),
    ("_kg_per_l", "kg/L"),
    ("_kwh_per_t", "kWh/t"),
    ("_mwh", "MWh"),
    ("_gj", "GJ"),
    ("_t", "t"),
    ("_l", "L"),
    ("_fraction", "fraction"),
    ("_rate", "fraction"),
    ("_fraction_dry", "fraction"),
    ("_ratio", "t/t"),
)


def unit_of_input(name: str) -> str:
    """Unit an input expects, read from its name (the naming rule of the house style).

    Raises:
        UnitError: the name carries no unit suffix the platform knows.
    """
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    raise UnitError("unit.unnamed", "input {field!r} carries no known unit in its name", field=name)
