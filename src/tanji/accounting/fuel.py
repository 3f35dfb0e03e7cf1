"""Fuel combustion: fossil fuels and alternative fuels/wastes (non-biomass carbon only).

GB/T 32151.8-2015 cl. 5 / GB/T 32151.8-2023 cl. 6 (fossil fuel combustion and alternative fuels),
the 2025 national clinker guideline (fuel, monthly rows per line) and IPCC 2006 Vol. 5 eq. 5.1
(carbon-content form for wastes). Every function uses plain arithmetic, so floats and equal-shaped
NumPy arrays (GUM stacks, Monte Carlo samples, per-month vectors) broadcast alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

#: Molar-mass ratio CO2/C, exactly as the standards write it.
CO2_PER_C = 44.0 / 12.0

#: A float or a float array; formulas return what they are given.
Num = TypeVar("Num", float, npt.NDArray[np.float64])


def fuel_combustion_co2_t(
    consumption_t: Num, ncv_gj_per_t: Num, carbon_content_tc_per_gj: Num, oxidation_rate: Num
) -> Num:
    """CO2 of a fossil fuel, E = FC × NCV × CC × OF × 44/12 (t).

    GB/T 32151.8-2015 cl. 5 / 2023 cl. 6; national clinker guideline 2025, fuel combustion.
    Kiln-head and calciner coal is weighed at the coal-powder feeder; for gases FC is in 10⁴ Nm³ and
    NCV in GJ/10⁴ Nm³, which the same expression serves.
    """
    return consumption_t * ncv_gj_per_t * carbon_content_tc_per_gj * oxidation_rate * CO2_PER_C


def fuel_mass_from_volume_t(volume_l: Num, density_kg_per_l: Num) -> Num:
    """Mass of a liquid fuel metered by volume, FC = V × ρ / 1000 (t).

    The conversion the Hubei metering rule expects for volumetric meters (diesel for kiln ignition,
    forklifts and loaders): litres × kg/L gives kg, /1000 gives t.
    """
    return volume_l * density_kg_per_l / 1000.0


def fuel_combustion_by_volume_co2_t(
    volume_l: Num,
    density_kg_per_l: Num,
    ncv_gj_per_t: Num,
    carbon_content_tc_per_gj: Num,
    oxidation_rate: Num,
) -> Num:
    """CO2 of a liquid fuel metered by volume (GB/T 32151.8-2015 cl. 5 with FC = V × ρ)."""
    consumption_t = fuel_mass_from_volume_t(volume_l, density_kg_per_l)
    return fuel_combustion_co2_t(
        consumption_t, ncv_gj_per_t, carbon_content_tc_per_gj, oxidation_rate
    )


@dataclass(frozen=True)
class AlternativeFuelCO2:
    """CO2 of an alternative fuel split by carbon origin.

    Attributes:
        fossil_co2_t: counted emission (non-biomass carbon).
        biogenic_co2_t: memo item, reported but not counted (GB/T 32151.8-2015 cl. 5).
    """

    fossil_co2_t: float | npt.NDArray[np.float64]
    biogenic_co2_t: float | npt.NDArray[np.float64]


def alternative_fuel_by_factor_co2(
    consumption_t: Num,
    ncv_gj_per_t: Num,
    emission_factor_tco2_per_gj: Num,
    fossil_carbon_fraction: Num,
) -> AlternativeFuelCO2:
    """Alternative fuel by emission factor, E = Q × NCV × EF × α (t).

    GB/T 32151.8-2015 cl. 5 (“用量×平均低位发热量×排放因子×非生物质碳的含量”). EF is on the
    total-carbon basis, so the biogenic memo item is Q × NCV × EF × (1 − α).
    """
    total = consumption_t * ncv_gj_per_t * emission_factor_tco2_per_gj
    return AlternativeFuelCO2(
        fossil_co2_t=total * fossil_carbon_fraction,
        biogenic_co2_t=total * (1.0 - fossil_carbon_fraction),
    )


def alternative_fuel_by_carbon_co2(
    consumption_t: Num,
    dry_matter_fraction: Num,
    carbon_fraction_dry: Num,
    fossil_carbon_fraction: Num,
    oxidation_rate: Num,
) -> AlternativeFuelCO2:
    """Alternative fuel by carbon content, E = Q × dm × CF × FCF × OF × 44/12 (t).

    IPCC 2006 Vol. 5 eq. 5.1, admitted by GB/T 32151.8-2015 cl. 5 when carbon is analysed.
    Municipal solid waste (生活垃圾) and cloth strips (布条) count only their fossil carbon; the
    biogenic share (1 − FCF) is the memo item.
    """
    total = consumption_t * dry_matter_fraction * carbon_fraction_dry * oxidation_rate * CO2_PER_C
    return AlternativeFuelCO2(
        fossil_co2_t=total * fossil_carbon_fraction,
        biogenic_co2_t=total * (1.0 - fossil_carbon_fraction),
    )
