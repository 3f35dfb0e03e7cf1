"""Process emissions: carbonate decomposition of raw materials and organic carbon of raw meal.

GB/T 32151.8-2015 cl. 5 / 2023 cl. 6 (clinker-output method with kiln and bypass dust; raw-meal
TOC) and the 2025 national clinker guideline (default clinker factor less the deductions for
non-carbonate calcium/magnesium raw materials). Plain arithmetic: floats and arrays broadcast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

#: Molar-mass ratios as the standard writes them (rounded molar masses): CO2/CaO, CO2/MgO, CO2/C.
CO2_PER_CAO = 44.0 / 56.0
CO2_PER_MGO = 44.0 / 40.0
CO2_PER_C = 44.0 / 12.0

Num = TypeVar("Num", float, npt.NDArray[np.float64])


def clinker_process_emission_factor_tco2_per_t(
    cao_fraction: Num,
    cao_noncarbonate_fraction: Num,
    mgo_fraction: Num,
    mgo_noncarbonate_fraction: Num,
) -> Num:
    """Carbonate emission factor of clinker, EF = (FR1 − FR10) × 44/56 + (FR2 − FR20) × 44/40.

    GB/T 32151.8-2015 cl. 5 (clinker-output method). FR10/FR20 are the CaO/MgO of the clinker
    that did not come from carbonates (slag, fly ash, carbide slag …). Mass fractions, not %.
    """
    return (cao_fraction - cao_noncarbonate_fraction) * CO2_PER_CAO + (
        mgo_fraction - mgo_noncarbonate_fraction
    ) * CO2_PER_MGO


def clinker_equivalent_t(clinker_t: Num, kiln_dust_t: Num, bypass_dust_t: Num) -> Num:
    """Clinker plus the dust leaving the system, treated as fully calcined (GB/T 32151.8 cl. 5)."""
    return clinker_t + kiln_dust_t + bypass_dust_t


def carbonate_process_co2_t(
    clinker_t: Num,
    kiln_dust_t: Num,
    bypass_dust_t: Num,
    emission_factor_tco2_per_t: Num,
) -> Num:
    """Carbonate-decomposition CO2, E = (Q_cli + Q_ckd + Q_bpd) × EF (t), GB/T 32151.8 cl. 5."""
    return clinker_equivalent_t(clinker_t, kiln_dust_t, bypass_dust_t) * emission_factor_tco2_per_t


def raw_meal_from_clinker_t(clinker_t: Num, raw_meal_to_clinker_ratio: Num) -> Num:
    """Raw meal (dry) consumed, Q_rm = Q_cli × ratio (料耗比, typically 1.52–1.62 t/t)."""
    return clinker_t * raw_meal_to_clinker_ratio


def raw_meal_toc_co2_t(raw_meal_t: Num, toc_fraction: Num) -> Num:
    """CO2 of non-fuel organic carbon in raw meal, E = Q_rm × FR0 × 44/12 (t).

    GB/T 32151.8-2015 cl. 5 (生料中非燃料碳). FR0 defaults to 0.1–0.3 % (dry) when not measured.
    """
    return raw_meal_t * toc_fraction * CO2_PER_C


@dataclass(frozen=True)
class Deduction:
    """A non-carbonate Ca/Mg alternative raw material of the national guideline.

    Attributes:
        material: name as reported (e.g. 钢渣 steel slag).
        material_t: quantity used in the period, t.
        deduction_tco2_per_t: deduction factor D_k, t CO2 per t material.
    """

    material: str
    material_t: float | npt.NDArray[np.float64]
    deduction_tco2_per_t: float | npt.NDArray[np.float64]


def default_factor_process_co2_t(
    clinker_t: Num, clinker_factor_tco2_per_t: Num, deductions: Iterable[Deduction] = ()
) -> float | npt.NDArray[np.float64]:
    """Process CO2 by the default factor, E = Q_cli × EF_cli − Σ M_k × D_k (t).

    National guideline for cement clinker (2025, 水泥熟料生产), process emissions: EF_cli 0.535 for
    Portland clinker; D_k per tonne of non-carbonate calcium/magnesium alternative raw material.
    """
    deducted = sum((d.material_t * d.deduction_tco2_per_t for d in deductions), 0.0)
    return clinker_t * clinker_factor_tco2_per_t - deducted
