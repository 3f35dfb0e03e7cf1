"""Flue-gas formulas of HJ 212-2017 App. D (= HJ/T 75-2007, kept in HJ 75-2017) and one CEMS minute.

Conventions (recorded in ADR 0020): standard state 273 K and 101 325 Pa, dry; CO2 converted with
M = 44.01 g/mol and the ideal molar volume 22.4 L/mol of eq. (20) (1.96473 kg/m³). Every function
is generic over floats and NumPy arrays (broadcasting), so the same code gives one minute, a
year of minutes, a GUM sensitivity or a Monte Carlo distribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tanji.accounting.cems._checks import (
    FloatArray,
    above_absolute_zero,
    fraction,
    in_percent,
    non_negative,
    positive,
    require,
)

#: Standard temperature (K) of HJ 212-2017 App. D eqs. (18) and (31).
STANDARD_TEMPERATURE_K = 273.0
#: Standard pressure (Pa) of HJ 212-2017 App. D eqs. (18) and (31).
STANDARD_PRESSURE_PA = 101_325.0
#: Molar mass of CO2 (g/mol) used with eq. (20).
CO2_MOLAR_MASS_G_PER_MOL = 44.01
#: Ideal-gas molar volume at the standard state (L/mol), eq. (20).
MOLAR_VOLUME_L_PER_MOL = 22.4
#: 1 %vol = 10 000 µmol/mol (ppm).
PPM_PER_PCT_VOL = 1.0e4
#: Seconds in one minute record.
SECONDS_PER_MINUTE = 60.0

Number = Any  # a float or a NumPy array; the formulas broadcast


def co2_mg_per_m3(
    co2_dry_pct_vol: Number,
    molar_mass_g_per_mol: Number = CO2_MOLAR_MASS_G_PER_MOL,
    molar_volume_l_per_mol: Number = MOLAR_VOLUME_L_PER_MOL,
) -> FloatArray:
    """Dry volume fraction → mass concentration at the standard dry state.

    HJ 212-2017 App. D eq. (20): ``C_Q = M / 22.4 × C_V`` with C_V in µmol/mol; a CO2 analyser
    reports %vol, hence the factor 10⁴. No oxygen correction: eqs. (26)–(28) are for pollutant
    limits, never for CO2 mass (standards.md §4.1).
    """
    pct = require("co2_dry_pct_vol", co2_dry_pct_vol, in_percent, "0 ≤ x ≤ 100", "%vol")
    molar_mass = require("molar_mass_g_per_mol", molar_mass_g_per_mol, positive, "> 0", "g/mol")
    volume = require("molar_volume_l_per_mol", molar_volume_l_per_mol, positive, "> 0", "L/mol")
    return np.asarray(molar_mass / volume * pct * PPM_PER_PCT_VOL)


def dry_concentration(wet_concentration: Number, moisture_fraction: Number) -> FloatArray:
    """Wet → dry basis, HJ 212-2017 App. D eq. (19): ``C_dry = C_wet / (1 − X_sw)``.

    Needed for in-situ (hot-wet) analysers; extractive cold-dry analysers report dry directly.
    """
    wet = require("wet_concentration", wet_concentration, non_negative, "≥ 0", "as given")
    moisture = require("moisture_fraction", moisture_fraction, fraction, "0 ≤ x < 1", "1")
    return np.asarray(wet / (1.0 - moisture))


def flue_velocity_m_per_s(
    point_velocity_m_per_s: Number, velocity_coefficient: Number
) -> FloatArray:
    """Mean duct velocity from the point velocity, HJ 212-2017 App. D eq. (29): ``Vs = Kv × Vp``."""
    point = require("point_velocity_m_per_s", point_velocity_m_per_s, non_negative, "≥ 0", "m/s")
    kv = require("velocity_coefficient", velocity_coefficient, positive, "> 0", "1")
    return np.asarray(kv * point)


def actual_wet_flow_m3(
    duct_area_m2: Number, velocity_m_per_s: Number, seconds: Number
) -> FloatArray:
    """Actual (wet, working-state) volume over ``seconds``, App. D eq. (30) ``Q_s = F × V_s × t``.

    Eq. (30) states the hourly form (t = 3600 s); a minute record uses t = 60 s.
    """
    area = require("duct_area_m2", duct_area_m2, positive, "> 0", "m²")
    velocity = require("velocity_m_per_s", velocity_m_per_s, non_negative, "≥ 0", "m/s")
    return np.asarray(area * velocity * np.asarray(seconds, dtype=np.float64))


def standard_dry_flow_m3(
    actual_wet_flow_m3: Number,
    flue_temp_c: Number,
    ambient_pressure_pa: Number,
    static_pressure_pa: Number,
    moisture_fraction: Number,
) -> FloatArray:
    """Actual wet volume → standard dry volume, HJ 212-2017 App. D eq. (31).

    ``Q_sn = Q_s × 273/(273 + t_s) × (B_a + P_s)/101325 × (1 − X_sw)``; the absolute duct
    pressure is ambient plus static (gauge) pressure.
    """
    flow = require("actual_wet_flow_m3", actual_wet_flow_m3, non_negative, "≥ 0", "m³")
    temp = require("flue_temp_c", flue_temp_c, above_absolute_zero, "> −273 °C", "°C")
    ambient = require("ambient_pressure_pa", ambient_pressure_pa, positive, "> 0", "Pa")
    static = require("static_pressure_pa", static_pressure_pa, np.isfinite, "finite", "Pa")
    moisture = require("moisture_fraction", moisture_fraction, fraction, "0 ≤ x < 1", "1")
    absolute = require(
        "ambient_pressure_pa + static_pressure_pa",
        ambient + static,
        positive,
        "> 0 (absolute duct pressure)",
        "Pa",
    )
    return np.asarray(
        flow
        * STANDARD_TEMPERATURE_K
        / (STANDARD_TEMPERATURE_K + temp)
        * absolute
        / STANDARD_PRESSURE_PA
        * (1.0 - moisture)
    )


def co2_mass_kg(co2_mg_per_m3: Number, std_dry_flow_m3: Number) -> FloatArray:
    """Mass from standard-dry concentration and volume, App. D eq. (33): ``G = C × Q × 10⁻⁶`` kg."""
    conc = require("co2_mg_per_m3", co2_mg_per_m3, non_negative, "≥ 0", "mg/m³")
    flow = require("std_dry_flow_m3", std_dry_flow_m3, non_negative, "≥ 0", "m³")
    return np.asarray(conc * flow * 1.0e-6)


@dataclass(frozen=True, slots=True)
class CemsMinute:
    """One minute (or an array of minutes) of a CO2 CEMS: volume, concentration and mass."""

    std_dry_flow_m3: FloatArray
    co2_mg_per_m3: FloatArray
    co2_kg: FloatArray


def cems_minute(
    duct_area_m2: Number,
    velocity_coefficient: Number,
    point_velocity_m_per_s: Number,
    flue_temp_c: Number,
    ambient_pressure_pa: Number,
    static_pressure_pa: Number,
    moisture_fraction: Number,
    co2_dry_pct_vol: Number,
    molar_mass_g_per_mol: Number = CO2_MOLAR_MASS_G_PER_MOL,
    molar_volume_l_per_mol: Number = MOLAR_VOLUME_L_PER_MOL,
) -> CemsMinute:
    """CO2 of one minute record: eqs. (29) → (30, t = 60 s) → (31); (20); (33).

    Worked example TV-06 (P10): Ø 4.0 m, Kv 0.95, Vp 14.80 m/s, 115 °C, 100 800 − 800 Pa,
    X_sw 9.5 %, 22.50 %vol dry → 6662.07 m³, 442 065 mg/m³, 2945.07 kg.
    """
    velocity = flue_velocity_m_per_s(point_velocity_m_per_s, velocity_coefficient)
    actual = actual_wet_flow_m3(duct_area_m2, velocity, SECONDS_PER_MINUTE)
    flow = standard_dry_flow_m3(
        actual, flue_temp_c, ambient_pressure_pa, static_pressure_pa, moisture_fraction
    )
    conc = co2_mg_per_m3(co2_dry_pct_vol, molar_mass_g_per_mol, molar_volume_l_per_mol)
    return CemsMinute(std_dry_flow_m3=flow, co2_mg_per_m3=conc, co2_kg=co2_mass_kg(conc, flow))
