"""Instruments reading the true state: belt scales, oil meters, energy meters and the CEMS.

Each meter has a fixed calibration bias (drawn once per tag from the seed, within its accuracy
class) and per-minute noise. The CEMS model follows the measurement chain of HJ 212-2017 App. D:
the analyser reports CO2 and O2 on a dry basis (extractive, cold-dry), the pitot probe a point
velocity Vp, and the data-acquisition system computes the standard dry flow with eqs. (29)–(31):
``Vs = Kv × Vp``; ``Q_sh = 3600 × F × Vs``;
``Q_snh = Q_sh × 273/(273+ts) × (Ba+Ps)/101325 × (1 − Xsw)``.
"""

from __future__ import annotations

import numpy as np

from tanji.simulator.combustion import M_CO2_CEMS, MOLAR_VOLUME_M3_PER_KMOL
from tanji.simulator.noise import FloatArray, IntArray, normal
from tanji.simulator.parameters import LineParameters
from tanji.simulator.process import ProcessState

#: Measurement tag → (true series key, bias σ, relative noise σ). Keys index ProcessState dicts.
_RATE_METERS: dict[str, tuple[str, float, float]] = {
    "L1.RM.FEED": ("raw_meal", 0.003, 0.010),
    "L1.CLK.OUT": ("clinker", 0.004, 0.015),
    "L1.COAL.KH": ("coal_kh", 0.003, 0.010),
    "L1.COAL.PC": ("coal_pc", 0.003, 0.010),
    "L1.MSW.FEED": ("msw", 0.005, 0.030),
    "L1.CLOTH.FEED": ("cloth_strips", 0.005, 0.030),
}
_DIESEL_METERS: dict[str, str] = {"L1.DSL.IGN": "ignition", "L1.DSL.FL": "forklift"}
ENERGY_METERS: dict[str, str] = {
    "L1.EL.RAWMILL": "RAWMILL",
    "L1.EL.COALMILL": "COALMILL",
    "L1.EL.KILN": "KILN",
    "L1.EL.CEMMILL": "CEMMILL",
    "L1.EL.AUX": "AUX",
    "L1.EL.IMPORT": "IMPORT",
    "L1.EL.EXPORT": "EXPORT",
    "L1.EL.WHR": "WHR",
}


def _bias(seed: int, tag: str, sigma: float) -> float:
    return float(sigma * normal(seed, tag + ".bias", np.zeros(1, dtype=np.int64))[0])


def measure_flows(seed: int, minutes: IntArray, state: ProcessState) -> dict[str, FloatArray]:
    """Readings of the rate meters (t/h, L/h) and the power behind each energy meter (kW)."""
    values: dict[str, FloatArray] = {}
    for tag, (key, bias_sigma, noise_sigma) in _RATE_METERS.items():
        gain = 1.0 + _bias(seed, tag, bias_sigma) + noise_sigma * normal(seed, tag, minutes)
        values[tag] = np.maximum(state.flows_t_per_h[key] * gain, 0.0)
    for tag, key in _DIESEL_METERS.items():
        values[tag] = state.diesel_l_per_h[key] * (1.0 + _bias(seed, tag, 0.002))
    for tag, key in ENERGY_METERS.items():
        values[tag] = state.power_kw[key] * (1.0 + _bias(seed, tag, 0.001))
    return values


def measure_cems(
    seed: int, minutes: IntArray, state: ProcessState, p: LineParameters
) -> dict[str, FloatArray]:
    """Readings of the kiln-tail CEMS, with the DAS-computed standard dry flow."""
    e = p.cems
    gas = state.gas
    co2 = gas.co2_pct_dry * (1.0 + e.co2_bias) + e.co2_noise_pct * normal(seed, "cems.co2", minutes)
    o2 = gas.o2_pct_dry + e.o2_bias_pct + e.o2_noise_pct * normal(seed, "cems.o2", minutes)
    vp = (
        state.velocity_m_per_s
        / p.velocity_coefficient
        * (1.0 + e.velocity_bias + e.velocity_noise * normal(seed, "cems.vp", minutes))
    )
    temp = state.temperature_c + e.temperature_noise_c * normal(seed, "cems.t", minutes)
    static = state.static_pa + e.pressure_noise_pa * normal(seed, "cems.ps", minutes)
    h2o = 100.0 * gas.moisture_fraction * (1.0 + e.moisture_bias) + e.moisture_noise_pct * normal(
        seed, "cems.h2o", minutes
    )
    return {
        "L1.CEMS.CO2": np.clip(co2, 0.0, 100.0),
        "L1.CEMS.O2": np.clip(o2, 0.0, 25.0),
        "L1.CEMS.VP": vp,
        "L1.CEMS.TEMP": temp,
        "L1.CEMS.PRES": static / 1000.0,
        "L1.CEMS.H2O": np.clip(h2o, 0.0, 100.0),
        "L1.CEMS.FLOW": standard_dry_flow(vp, temp, static, h2o / 100.0, p),
    }


def standard_dry_flow(
    vp: FloatArray,
    temperature_c: FloatArray,
    static_pa: FloatArray,
    moisture: FloatArray,
    p: LineParameters,
) -> FloatArray:
    """Standard dry flow, m³/h, from HJ 212-2017 App. D eqs. (29), (30) and (31)."""
    area = np.pi * p.duct_diameter_m**2 / 4.0
    actual = 3600.0 * area * p.velocity_coefficient * vp
    flow: FloatArray = (
        actual
        * 273.0
        / (273.0 + temperature_c)
        * (p.ambient_pressure_pa + static_pa)
        / 101_325.0
        * (1.0 - moisture)
    )
    return flow


def co2_mass_kg_per_h(co2_pct_dry: FloatArray, flow_m3_per_h: FloatArray) -> FloatArray:
    """CO2 mass rate, kg/h: HJ 212-2017 App. D eqs. (20) and (33).

    ``C = M/22.4 × C_V`` (mg/m³ from ppm, M = 44.01), ``G = C × Q_snh × 10⁻⁶``.
    """
    mg_per_m3 = co2_pct_dry * 1e4 * M_CO2_CEMS / MOLAR_VOLUME_M3_PER_KMOL
    mass: FloatArray = mg_per_m3 * flow_m3_per_h * 1e-6
    return mass
