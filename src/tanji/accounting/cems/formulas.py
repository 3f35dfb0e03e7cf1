"""The CEMS entries of the formula registry (``tanji-cases/1`` ids ``cems_minute``, ``cems_hour``).

Wraps :func:`~.flue_gas.cems_minute` and :func:`~.hourly.cems_hour` as models over named inputs
so ``tanji calc --cases``, GUM and Monte Carlo evaluate the same code as the live engine. Both
also give ``co2_t`` (the emission output the period evaluation sums), beside the ``co2_kg`` of
HJ 212 App. D eq. (33).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tanji.accounting.boundaries import Category
from tanji.accounting.cems.flue_gas import (
    CO2_MOLAR_MASS_G_PER_MOL,
    MOLAR_VOLUME_L_PER_MOL,
    cems_minute,
)
from tanji.accounting.cems.hourly import MIN_VALID_MINUTES_PER_HOUR, cems_hour
from tanji.accounting.errors import AccountingError
from tanji.accounting.formulas import Formula

_STACK = ("duct_area_m2", "velocity_coefficient", "ambient_pressure_pa", "static_pressure_pa")
_MINUTE = ("point_velocity_m_per_s", "flue_temp_c", "moisture_fraction", "co2_dry_pct_vol")
_GAS = {
    "molar_mass_g_per_mol": CO2_MOLAR_MASS_G_PER_MOL,
    "molar_volume_l_per_mol": MOLAR_VOLUME_L_PER_MOL,
}


def _minute(x: Mapping[str, Any]) -> dict[str, Any]:
    r = cems_minute(**{k: x[k] for k in (*_STACK, *_MINUTE, *_GAS)})
    return {
        "std_dry_flow_m3": r.std_dry_flow_m3,
        "co2_mg_per_m3": r.co2_mg_per_m3,
        "co2_kg": r.co2_kg,
        "co2_t": r.co2_kg / 1000.0,
    }


def _hour(x: Mapping[str, Any]) -> dict[str, Any]:
    records = x["minutes"]
    columns = {k: np.array([float(m[k]) for m in records]) for k in _MINUTE}
    flags = np.array([str(m["flag"]) for m in records])
    r = cems_hour(
        **{k: x[k] for k in (*_STACK, *_GAS)},
        **columns,
        flag=flags,
        min_valid_minutes=int(x["min_valid_minutes"]),
    )
    out: dict[str, Any] = {"valid_minutes": r.valid_minutes, "valid": r.valid}
    if bool(np.all(r.valid)):
        out |= {
            "std_dry_flow_m3": r.std_dry_flow_m3,
            "co2_mg_per_m3": r.co2_mg_per_m3,
            "co2_kg": r.co2_kg,
            "co2_t": r.co2_kg / 1000.0,
        }
    return out


def validate_minutes(name: str, value: Any) -> None:
    """Check the ``minutes`` list: records of four numbers and an HJ 212 flag letter.

    Each record is {point_velocity_m_per_s, flue_temp_c, moisture_fraction, co2_dry_pct_vol:
    numbers; flag: text}; ranges are checked later by the CEMS formulas, with the row.
    """
    if not isinstance(value, list) or not value:
        raise AccountingError(
            "cases.bad_input", "input {field!r}: expected a non-empty list of minutes", field=name
        )
    for row, item in enumerate(value):
        ok = isinstance(item, dict) and isinstance(item.get("flag"), str)
        for key in _MINUTE:
            number = item.get(key) if isinstance(item, dict) else None
            ok = ok and isinstance(number, int | float) and not isinstance(number, bool)
        if not ok:
            raise AccountingError(
                "cases.bad_minute",
                "input {field!r} row {row}: expected {{point_velocity_m_per_s (m/s), flue_temp_c"
                " (°C), moisture_fraction (1), co2_dry_pct_vol (%vol): numbers; flag: text}}",
                field=name,
                row=row,
            )


_APP_D = "HJ 212-2017 App. D (HJ/T 75-2007)"

#: CEMS formulas; :data:`tanji.accounting.cases.FORMULAS` indexes them beside the built-in ones.
#: A kiln-tail stack carries fuel and carbonate CO2 together, hence the kiln-stack category.
CEMS_FORMULAS: tuple[Formula, ...] = (
    Formula(
        "cems_minute",
        _minute,
        (*_STACK, *_MINUTE),
        ("std_dry_flow_m3", "co2_mg_per_m3", "co2_kg", "co2_t"),
        Category.KILN_STACK,
        f"{_APP_D} eqs. (20), (29)-(31), (33), one minute",
        optional=_GAS,
    ),
    Formula(
        "cems_hour",
        _hour,
        _STACK,
        ("valid_minutes", "valid", "std_dry_flow_m3", "co2_mg_per_m3", "co2_kg", "co2_t"),
        Category.KILN_STACK,
        f"{_APP_D} eqs. (24), (29)-(31), (33), hourly means of valid minutes",
        optional={**_GAS, "min_valid_minutes": MIN_VALID_MINUTES_PER_HOUR},
        list_inputs={"minutes": validate_minutes},
    ),
)
