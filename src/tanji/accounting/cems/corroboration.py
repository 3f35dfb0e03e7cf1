"""Corroboration of CEMS by calculation: δ = (E_CEMS − E_calc)/E_calc on one boundary.

No binding Chinese rule was found; EU MRR 2018/2066 Art. 46 requires measurement-based
emissions to be corroborated by calculation [R, high]. The platform rule (standards.md §7) [I]:
compare monthly on a consistent boundary (same stacks, biogenic CO2 removed from the CEMS
figure) and flag |δ| > 5 % as ``warn`` and |δ| > 10 % as ``investigate``.
"""

from __future__ import annotations

import math
from typing import Literal

from tanji.accounting.cems._checks import CemsInputError

#: |δ| above this warns (standards.md §7 [I]).
WARN_DEVIATION = 0.05
#: |δ| above this calls for investigation (standards.md §7 [I]).
INVESTIGATE_DEVIATION = 0.10

Status = Literal["ok", "warn", "investigate"]


def cems_deviation(
    cems_co2_t: float, calculated_co2_t: float, biogenic_co2_t: float = 0.0
) -> float:
    """Relative deviation of CEMS from calculation, δ = (E_CEMS − E_bio − E_calc)/E_calc.

    A stack's CEMS measures all CO2, biogenic included; accounting counts fossil CO2 only, so
    the biogenic memo item is taken off the CEMS figure before comparing (standards.md §4.1).
    TV-08: 176.677 t vs 165.824 t → +6.54 %.
    """
    values = {
        "cems_co2_t": cems_co2_t,
        "calculated_co2_t": calculated_co2_t,
        "biogenic_co2_t": biogenic_co2_t,
    }
    for field, value in values.items():
        if not math.isfinite(value) or value < 0 or (field == "calculated_co2_t" and value == 0):
            raise CemsInputError(
                "cems.corroboration_input",
                "{field}: expected a finite value ≥ 0 (> 0 for the calculation), got {value} t",
                field=field,
                value=value,
            )
    return (cems_co2_t - biogenic_co2_t - calculated_co2_t) / calculated_co2_t


def corroboration_status(
    deviation: float,
    warn: float = WARN_DEVIATION,
    investigate: float = INVESTIGATE_DEVIATION,
) -> Status:
    """``ok`` / ``warn`` / ``investigate`` for a deviation δ (a fraction, not %)."""
    size = abs(deviation)
    if size > investigate:
        return "investigate"
    if size > warn:
        return "warn"
    return "ok"
