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
