"""Indirect emissions of electricity and heat (GB/T 32151.8-2015 cl. 5, 2023 cl. 6).

Clinker boundary: electricity consumed by the clinker line × grid factor. Enterprise boundary: net
purchased electricity (purchased − exported; negative when exports exceed purchases) and heat.
Waste-heat-recovery power used on site carries no emission; exported WHR power is deducted.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

Num = TypeVar("Num", float, npt.NDArray[np.float64])


def clinker_line_electricity_mwh(clinker_t: Num, specific_consumption_kwh_per_t: Num) -> Num:
    """Electricity of the clinker line from specific consumption, Q_cli × kWh/t / 1000 (MWh)."""
    return clinker_t * specific_consumption_kwh_per_t / 1000.0


def electricity_co2_t(consumption_mwh: Num, grid_factor_tco2_per_mwh: Num) -> Num:
    """CO2 of consumed electricity, E = AD × EF_grid (t), GB/T 32151.8-2015 cl. 5."""
    return consumption_mwh * grid_factor_tco2_per_mwh


def net_purchased_mwh(purchased_mwh: Num, exported_mwh: Num) -> Num:
    """Net purchased electricity, AD_in − AD_out (MWh); negative for net exporters."""
    return purchased_mwh - exported_mwh


def net_electricity_co2_t(
    purchased_mwh: Num, exported_mwh: Num, grid_factor_tco2_per_mwh: Num
) -> Num:
    """Enterprise electricity CO2, E = (AD_in − AD_out) × EF_grid (t), GB/T 32151.8 cl. 5."""
    return electricity_co2_t(
        net_purchased_mwh(purchased_mwh, exported_mwh), grid_factor_tco2_per_mwh
    )


def net_heat_co2_t(purchased_gj: Num, exported_gj: Num, heat_factor_tco2_per_gj: Num) -> Num:
    """Enterprise heat CO2, E = (AD_in − AD_out) × EF_heat (t), GB/T 32151.8 cl. 5.

    The default EF_heat is 0.11 t CO2/GJ (GB/T 32150-2025 as cited; see the factor library).
    """
    return (purchased_gj - exported_gj) * heat_factor_tco2_per_gj
