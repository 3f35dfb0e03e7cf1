"""Carbon, oxygen and water balances of the kiln system: what leaves the kiln-tail stack.

The kiln-tail gas is the sum of (i) combustion products of every fuel fired at the kiln head and
in the precalciner, (ii) CO2 released by carbonate decomposition and by oxidation of the raw
meal's organic carbon, (iii) combustion air with all in-leakage (preheater, raw mill, ducts,
bag filter), expressed as one overall air ratio λ at the stack, and (iv) water: fuel hydrogen and
moisture plus the raw-material moisture driven off in the raw mill.

Stoichiometry (per kmol; molar masses C 12, H2 2.016, O2 32, N2 28, H2O 18.015, CO2 44 — carbon
and CO2 use the standards' rounded ratio 44/12 so the truth equals the accounting formulas):
C + O2 → CO2, H2 + ½O2 → H2O. The oxygen demand of a fuel is
``O2 = C·OF/12 + H/4.032 − O/32`` kmol per kg. Dry volumes use the HJ 212-2017 App. D eq. (20)
molar volume 22.4 L/mol at 273 K and 101 325 Pa, the convention the CEMS computation also uses.
Sulphur and the ~0.04 % CO2 of ambient air are neglected (each < 0.2 % of the stack CO2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tanji.simulator.noise import FloatArray
from tanji.simulator.parameters import Fuel

MOLAR_VOLUME_M3_PER_KMOL = 22.4  # HJ 212-2017 App. D eq. (20)
M_CO2 = 44.0  # GB/T 32151.8 converts carbon with 44/12
M_C = 12.0
M_CO2_CEMS = 44.01  # HJ 212-2017 App. D eq. (20)
AIR_O2 = 0.21


@dataclass(frozen=True, slots=True)
class FuelBurn:
    """The carbon and gas a fuel stream produces, per hour (arrays over time)."""

    fossil_co2_t_per_h: FloatArray
    biogenic_co2_t_per_h: FloatArray
    o2_demand_kmol_per_h: FloatArray
    water_kmol_per_h: FloatArray
    nitrogen_kmol_per_h: FloatArray

    @property
    def co2_kmol_per_h(self) -> FloatArray:
        """All CO2 formed, fossil and biogenic, in kmol/h."""
        total: FloatArray = (self.fossil_co2_t_per_h + self.biogenic_co2_t_per_h) * 1000 / M_CO2
        return total


def burn(
    fuel: Fuel,
    rate_t_per_h: FloatArray,
    carbon: FloatArray | float | None = None,
    fossil_fraction: FloatArray | float | None = None,
) -> FuelBurn:
    """Combustion products of one fuel stream.

    ``carbon`` and ``fossil_fraction`` override the fuel's nominal values per minute, because
    coal quality changes with every delivery batch and refuse composition month by month.

    CO2 from carbon: ``FC × C × OF × 44/12`` — the carbon-content form of GB/T 32151.8-2015
    §5 (equivalently FC × NCV × CC × OF × 44/12 with C = NCV × CC), split by the fossil share α
    for alternative fuels (IPCC 2006 Vol. 5 eq. 5.1).
    """
    kg = rate_t_per_h * 1000.0
    carbon_share = fuel.carbon if carbon is None else carbon
    fossil = fuel.fossil_fraction if fossil_fraction is None else fossil_fraction
    carbon_kmol = kg * carbon_share * fuel.oxidation_rate / M_C
    co2_t = carbon_kmol * M_CO2 / 1000.0
    return FuelBurn(
        fossil_co2_t_per_h=co2_t * fossil,
        biogenic_co2_t_per_h=co2_t * (1.0 - fossil),
        o2_demand_kmol_per_h=carbon_kmol + kg * (fuel.hydrogen / 4.032 - fuel.oxygen / 32.0),
        water_kmol_per_h=kg * (fuel.hydrogen / 2.016 + fuel.moisture / 18.015),
        nitrogen_kmol_per_h=kg * fuel.nitrogen / 28.013,
    )


def carbonate_co2(
    clinker_t_per_h: FloatArray, cao: FloatArray, mgo: FloatArray, cao_nc: float, mgo_nc: float
) -> FloatArray:
    """Carbonate CO2, t/h: ``Q_cli × [(FR1 − FR10) × 44/56 + (FR2 − FR20) × 44/40]``.

    GB/T 32151.8-2015 process-emission formula (clinker-output method), with the standard's
    rounded molar-mass ratios. Here it is the plant's true physics, so it uses the true clinker
    chemistry; the lab results the platform sees carry analytical uncertainty.
    """
    factor = (cao - cao_nc) * 44.0 / 56.0 + (mgo - mgo_nc) * 44.0 / 40.0
    result: FloatArray = clinker_t_per_h * factor
    return result


def toc_co2(raw_meal_t_per_h: FloatArray, toc: FloatArray | float) -> FloatArray:
    """CO2 from raw-meal organic carbon, t/h: ``Q_rm × FR0 × 44/12`` (GB/T 32151.8-2015)."""
    result: FloatArray = raw_meal_t_per_h * toc * 44.0 / 12.0
    return result


@dataclass(frozen=True, slots=True)
class StackGas:
    """Kiln-tail flue gas, per minute: flows in kmol/h and the dry/wet composition."""

    co2_kmol_per_h: FloatArray
    o2_kmol_per_h: FloatArray
    n2_kmol_per_h: FloatArray
    water_kmol_per_h: FloatArray

    @property
    def dry_kmol_per_h(self) -> FloatArray:
        """Dry gas, kmol/h."""
        total: FloatArray = self.co2_kmol_per_h + self.o2_kmol_per_h + self.n2_kmol_per_h
        return total

    @property
    def dry_nm3_per_h(self) -> FloatArray:
        """Standard dry flow (273 K, 101 325 Pa), m³/h."""
        flow: FloatArray = self.dry_kmol_per_h * MOLAR_VOLUME_M3_PER_KMOL
        return flow

    @property
    def co2_pct_dry(self) -> FloatArray:
        """CO2 volume fraction on a dry basis, %."""
        pct: FloatArray = 100.0 * self.co2_kmol_per_h / self.dry_kmol_per_h
        return pct

    @property
    def o2_pct_dry(self) -> FloatArray:
        """O2 volume fraction on a dry basis, %."""
        pct: FloatArray = 100.0 * self.o2_kmol_per_h / self.dry_kmol_per_h
        return pct

    @property
    def moisture_fraction(self) -> FloatArray:
        """Xsw: water volume fraction of the wet gas (HJ 212-2017 App. D symbol)."""
        wet = self.dry_kmol_per_h + self.water_kmol_per_h
        fraction: FloatArray = self.water_kmol_per_h / wet
        return fraction


def stack_gas(
    burns: list[FuelBurn],
    process_co2_t_per_h: FloatArray,
    process_o2_kmol_per_h: FloatArray,
    drying_water_kmol_per_h: FloatArray,
    air_ratio: FloatArray,
    purge_air_kmol_per_h: float,
    air_humidity: float,
) -> StackGas:
    """Mix every stream into the stack gas.

    Air: ``A = max(λ × O2_demand / 0.21, A_purge)`` kmol/h — when the kiln is down the ID fan
    still draws purge air, so the CEMS then sees ambient air. Oxygen left = 0.21 A − demand.
    """
    demand = sum((b.o2_demand_kmol_per_h for b in burns), process_o2_kmol_per_h)
    air = np.maximum(air_ratio * demand / AIR_O2, purge_air_kmol_per_h)
    co2 = sum((b.co2_kmol_per_h for b in burns), process_co2_t_per_h * 1000.0 / M_CO2)
    nitrogen = sum((b.nitrogen_kmol_per_h for b in burns), air * (1.0 - AIR_O2))
    water = sum((b.water_kmol_per_h for b in burns), drying_water_kmol_per_h + air * air_humidity)
    return StackGas(
        co2_kmol_per_h=np.asarray(co2, dtype=np.float64),
        o2_kmol_per_h=air * AIR_O2 - demand,
        n2_kmol_per_h=np.asarray(nitrogen, dtype=np.float64),
        water_kmol_per_h=np.asarray(water, dtype=np.float64),
    )


def actual_flow_m3_per_h(
    gas: StackGas, temperature_c: FloatArray, static_pa: FloatArray, ambient_pa: float
) -> FloatArray:
    """Actual wet flow, m³/h: HJ 212-2017 App. D eq. (31) solved for Q_sh."""
    wet_std = gas.dry_nm3_per_h / (1.0 - gas.moisture_fraction)
    flow: FloatArray = (
        wet_std * (273.0 + temperature_c) / 273.0 * 101_325.0 / (ambient_pa + static_pa)
    )
    return flow
