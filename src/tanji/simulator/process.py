"""True state of the line per minute: flows, fuels, emissions by source, stack gas, power.

This is the plant's physics, independent of any instrument: the heat balance sets the coal rate
(heat demand minus refuse and diesel heat, divided by the batch NCV), the carbon balance sets the
CO2 of every source, and :mod:`tanji.simulator.combustion` turns fuels, calcination and air into
the kiln-tail gas the CEMS samples. Instruments (:mod:`tanji.simulator.instruments`) then read
this state with their own errors; the ground truth (:mod:`tanji.simulator.truth`) sums it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tanji.simulator import combustion, quality
from tanji.simulator.noise import FloatArray, IntArray, normal, smooth
from tanji.simulator.operation import Operation
from tanji.simulator.parameters import LineParameters

#: Emission sources of the ground truth, in reporting order.
SOURCES: tuple[str, ...] = (
    "coal_kiln_head",
    "coal_calciner",
    "diesel_ignition",
    "diesel_forklift",
    "msw_fossil",
    "msw_biogenic",
    "cloth_strips_fossil",
    "cloth_strips_biogenic",
    "carbonate",
    "toc",
)
#: Sources whose CO2 leaves through the kiln-tail stack (everything but forklifts).
STACK_SOURCES: tuple[str, ...] = tuple(s for s in SOURCES if s != "diesel_forklift")
AREAS: tuple[str, ...] = ("RAWMILL", "COALMILL", "KILN", "CEMMILL", "AUX")
KILN_IDLE_KW = 700.0
COAL_MILL_KWH_PER_T_COAL = 30.0
FORKLIFT_DISPENSE_MINUTE_LOCAL = 7 * 60 + 30
FORKLIFT_DISPENSE_MINUTES = 15


@dataclass(frozen=True, slots=True)
class ProcessState:
    """True per-minute state. Rates in t/h (diesel L/h), power in kW, CO2 in t/h."""

    flows_t_per_h: dict[str, FloatArray]
    diesel_l_per_h: dict[str, FloatArray]
    co2_t_per_h: dict[str, FloatArray]
    gas: combustion.StackGas
    temperature_c: FloatArray
    static_pa: FloatArray
    velocity_m_per_s: FloatArray
    power_kw: dict[str, FloatArray]
    stopped: np.ndarray[tuple[int], np.dtype[np.bool_]]


def _flows(seed: int, minutes: IntArray, op: Operation, p: LineParameters) -> dict[str, FloatArray]:
    clinker = p.clinker_t_per_h * op.load * (1.0 + 0.015 * smooth(seed, "clk", minutes, 60))
    ratio = p.raw_meal_ratio * (1.0 + 0.004 * smooth(seed, "rm.ratio", minutes, 240))
    heat = p.heat_gj_per_t_clinker * (1.0 + 0.01 * smooth(seed, "heat", minutes, 120))
    nominal_heat = p.clinker_t_per_h * p.heat_gj_per_t_clinker
    msw = p.msw_t_per_h * op.load * np.clip(1.0 + 0.08 * smooth(seed, "msw", minutes, 30), 0, 2)
    cloth = (
        p.cloth_strips_t_per_h
        * op.load
        * np.clip(1.0 + 0.08 * smooth(seed, "cl", minutes, 30), 0, 2)
    )
    ncv = quality.coal_ncv(seed, p, quality.coal_batch(minutes))
    head_heat = nominal_heat * p.kiln_head_coal_share * np.maximum(op.load, op.kiln_head_heating)
    total_heat = clinker * heat - msw * p.msw.ncv_gj_per_t - cloth * p.cloth_strips.ncv_gj_per_t
    calciner_heat = np.maximum(total_heat - op.load * nominal_heat * p.kiln_head_coal_share, 0.0)
    head_heat = np.where(op.ignition, 0.0, head_heat)
    return {
        "clinker": clinker,
        "raw_meal": clinker * ratio,
        "msw": msw,
        "cloth_strips": cloth,
        "coal_kh": head_heat / ncv,
        "coal_pc": calciner_heat / ncv,
    }


def _diesel(minutes: IntArray, op: Operation, p: LineParameters) -> dict[str, FloatArray]:
    local_minute = (minutes + 8 * 60) % 1440
    dispensing = (local_minute >= FORKLIFT_DISPENSE_MINUTE_LOCAL) & (
        local_minute < FORKLIFT_DISPENSE_MINUTE_LOCAL + FORKLIFT_DISPENSE_MINUTES
    )
    rate = p.forklift_diesel_l_per_day * 60.0 / FORKLIFT_DISPENSE_MINUTES
    return {
        "ignition": np.where(op.ignition, p.ignition_diesel_l_per_h, 0.0),
        "forklift": np.where(dispensing, rate, 0.0),
    }


def _refuse(
    seed: int, months: IntArray, flows: dict[str, FloatArray], p: LineParameters
) -> tuple[combustion.FuelBurn, combustion.FuelBurn]:
    """MSW and cloth strips, with this month's true carbon and fossil share."""
    msw = combustion.burn(
        p.msw,
        flows["msw"],
        quality.refuse_carbon(seed, p.msw, months),
        quality.refuse_fossil(seed, p.msw, months),
    )
    cloth = combustion.burn(
        p.cloth_strips,
        flows["cloth_strips"],
        quality.refuse_carbon(seed, p.cloth_strips, months),
        quality.refuse_fossil(seed, p.cloth_strips, months),
    )
    return msw, cloth


def _emissions(
    seed: int,
    minutes: IntArray,
    flows: dict[str, FloatArray],
    diesel: dict[str, FloatArray],
    p: LineParameters,
) -> tuple[dict[str, FloatArray], list[combustion.FuelBurn]]:
    months, shifts = quality.month(minutes), quality.shift(minutes)
    coal_c = quality.coal_carbon(seed, p, quality.coal_batch(minutes))
    to_t = p.diesel_density_kg_per_l / 1000.0
    kh = combustion.burn(p.coal, flows["coal_kh"], coal_c)
    pc = combustion.burn(p.coal, flows["coal_pc"], coal_c)
    ign = combustion.burn(p.diesel, diesel["ignition"] * to_t)
    fork = combustion.burn(p.diesel, diesel["forklift"] * to_t)
    msw, cloth = _refuse(seed, months, flows, p)
    cao = quality.clinker_cao(seed, p, shifts)
    mgo = quality.clinker_mgo(seed, p, shifts)
    carbonate = combustion.carbonate_co2(
        flows["clinker"], cao, mgo, p.clinker_cao_non_carbonate, p.clinker_mgo_non_carbonate
    )
    co2 = {
        "coal_kiln_head": kh.fossil_co2_t_per_h,
        "coal_calciner": pc.fossil_co2_t_per_h,
        "diesel_ignition": ign.fossil_co2_t_per_h,
        "diesel_forklift": fork.fossil_co2_t_per_h,
        "msw_fossil": msw.fossil_co2_t_per_h,
        "msw_biogenic": msw.biogenic_co2_t_per_h,
        "cloth_strips_fossil": cloth.fossil_co2_t_per_h,
        "cloth_strips_biogenic": cloth.biogenic_co2_t_per_h,
        "carbonate": carbonate,
        "toc": combustion.toc_co2(flows["raw_meal"], quality.raw_meal_toc(seed, p, months)),
    }
    return co2, [kh, pc, ign, msw, cloth]


def _power(
    seed: int, minutes: IntArray, flows: dict[str, FloatArray], op: Operation, p: LineParameters
) -> dict[str, FloatArray]:
    local_hour = ((minutes + 8 * 60) // 60) % 24
    cement_on = ~np.isin(local_hour, p.cement_mill_off_hours_local)
    coal = flows["coal_kh"] + flows["coal_pc"]
    power = {
        "RAWMILL": flows["clinker"] * p.raw_mill_kwh_per_t,
        "COALMILL": coal * COAL_MILL_KWH_PER_T_COAL,
        "KILN": KILN_IDLE_KW + flows["clinker"] * p.kiln_kwh_per_t,
        "CEMMILL": np.where(cement_on, p.cement_t_per_h * p.cement_mill_kwh_per_t, 0.0),
        "AUX": p.auxiliaries_kw * (1.0 + 0.05 * smooth(seed, "aux", minutes, 60)),
    }
    whr = flows["clinker"] * p.whr_kwh_per_t * (1.0 + 0.03 * smooth(seed, "whr", minutes, 60))
    net = sum(power.values(), np.zeros(minutes.size)) - whr
    power.update(WHR=whr, IMPORT=np.maximum(net, 0.0), EXPORT=np.maximum(-net, 0.0))
    return power


def process_state(seed: int, minutes: IntArray, op: Operation, p: LineParameters) -> ProcessState:
    """True state of the line at the given epoch minutes under the given operation."""
    flows = _flows(seed, minutes, op, p)
    diesel = _diesel(minutes, op, p)
    co2, burns = _emissions(seed, minutes, flows, diesel, p)
    process_co2 = co2["carbonate"] + co2["toc"]
    toc_o2 = co2["toc"] * 1000.0 / combustion.M_CO2  # organic C + O2 → CO2
    drying = flows["raw_meal"] * p.raw_material_moisture / (1 - p.raw_material_moisture) * 1000
    air_ratio = p.air_ratio_stack * (1.0 + 0.03 * smooth(seed, "air", minutes, 30))
    gas = combustion.stack_gas(
        burns,
        process_co2,
        toc_o2,
        drying / 18.015,
        air_ratio,
        p.purge_air_kmol_per_h,
        p.air_humidity_mol_fraction,
    )
    temperature = (
        p.stack_temperature_c
        + 4.0 * smooth(seed, "temp", minutes, 20)
        - np.where(op.stopped, 45.0, 0.0)
    )
    static = p.static_pressure_pa * (1.0 + 0.03 * normal(seed, "ps", minutes))
    actual = combustion.actual_flow_m3_per_h(gas, temperature, static, p.ambient_pressure_pa)
    area = np.pi * p.duct_diameter_m**2 / 4.0
    return ProcessState(
        flows_t_per_h=flows,
        diesel_l_per_h=diesel,
        co2_t_per_h=co2,
        gas=gas,
        temperature_c=temperature,
        static_pa=static,
        velocity_m_per_s=actual / 3600.0 / area,
        power_kw=_power(seed, minutes, flows, op, p),
        stopped=op.stopped,
    )
