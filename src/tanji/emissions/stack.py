"""Kiln-stack CO2 by CEMS from hourly rollups: HJ 212-2017 App. D hours, HJ 75 substitution.

App. D eq. (24): an hour is valid with ≥ 45 valid minutes; its concentration and standard dry
flow are the means of the valid minutes (the rollup's valid sum / valid count, one sample per
minute), eq. (20) converts %vol to mg/m³ and eq. (33) gives G_h = C_h × Q_sn,h × 10⁻⁶ kg with
Q_sn,h = mean flow (Nm³/h) × 1 h. Invalid hours are substituted by HJ 75-2017 §12 (neighbour
mean for gaps ≤ 24 h, else the maximum of the previous 720 valid hours) and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tanji.accounting.cems import CemsHour, co2_mg_per_m3, substitute_cems_hours
from tanji.accounting.cems.hourly import MIN_VALID_MINUTES_PER_HOUR
from tanji.emissions.inputs import TagHours

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class StackHours:
    """Hourly stack CO2 (t, fossil and biogenic together), measured or substituted.

    ``co2_t`` is NaN where neither applies; ``measured`` marks valid App. D hours.
    """

    co2_t: FloatArray
    measured: BoolArray
    substituted: BoolArray


def stack_hours(co2: TagHours, flow: TagHours) -> StackHours:
    """CEMS CO2 per hour from the CO2 (%vol, dry) and standard dry flow (Nm³/h) rollups."""
    count = np.minimum(co2.valid_count, flow.valid_count)
    valid = count >= MIN_VALID_MINUTES_PER_HOUR
    conc = np.where(valid, co2_mg_per_m3(np.nan_to_num(co2.mean())), np.nan)
    volume = np.where(valid, flow.mean(), np.nan)
    hours = CemsHour(
        valid_minutes=count,
        valid=valid,
        std_dry_flow_m3=volume,
        co2_mg_per_m3=conc,
        co2_kg=conc * volume * 1.0e-6,
        method="hj212_appendix_d",
    )
    if not valid.any():
        nan = np.full(valid.shape, np.nan)
        return StackHours(nan, valid, np.zeros(valid.shape, bool))
    filled = substitute_cems_hours(hours, "hj75")
    return StackHours(filled.co2_kg / 1000.0, valid, filled.substituted)
