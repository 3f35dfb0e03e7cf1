"""Standard uncertainties from the metrology facts a plant holds (JJF 1059.1-2012 cl. 4.3–4.4).

Each function turns one kind of record of the instrument ledger or the laboratory into a
standard uncertainty u in the unit of the quantity, with the distribution the clause assumes,
so a budget line can say where its number came from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tanji.accounting.errors import AccountingError

SQRT3 = math.sqrt(3.0)
SQRT6 = math.sqrt(6.0)
#: ISO 5725-6 / GB/T 6379.6: a repeatability (reproducibility) limit is 2.8 s (= 1.96 √2 s).
LIMIT_FACTOR = 2.8


def u_from_half_width(half_width: float, distribution: str = "rectangular") -> float:
    """Type B from a half-width a (JJF 1059.1 4.3.3): a/√3 rectangular, a/√6 triangular.

    Use the rectangular divisor when only the bounds are known (an MPE, a resolution, a table
    range); triangular when values near the centre are more likely.
    """
    a = _non_negative("half_width", half_width)
    divisors = {"rectangular": SQRT3, "triangular": SQRT6}
    if distribution not in divisors:
        raise AccountingError(
            "uncertainty.distribution",
            "distribution: expected 'rectangular' or 'triangular', got {got!r}",
            got=distribution,
        )
    return a / divisors[distribution]


def u_from_mpe(mpe: float) -> float:
    """An instrument's maximum permissible error ±MPE, in the unit of the reading: MPE/√3.

    A verified (检定) instrument is only known to lie within its MPE, hence rectangular.
    """
    return u_from_half_width(mpe)


def u_from_accuracy_class(reading: float, class_pct: float) -> float:
    """An accuracy class (GB 17167: 0.5 for a belt scale, 0.5S for a meter) as % of reading.

    u = |reading| × class/100 / √3. For classes defined on the full scale, pass the full-scale
    value as ``reading``.
    """
    _non_negative("class_pct", class_pct)
    return u_from_mpe(abs(float(reading)) * class_pct / 100.0)


def u_from_expanded(expanded_u: float, k: float = 2.0) -> float:
    """A calibration certificate's U with its coverage factor k: u = U/k (JJF 1059.1 4.3.3.2)."""
    if not (k > 0 and math.isfinite(k)):
        raise AccountingError("uncertainty.coverage_factor", "k: expected > 0, got {got}", got=k)
    return _non_negative("expanded_u", expanded_u) / k


def u_type_a(values: Sequence[float]) -> float:
    """Type A of the mean of n repeated observations: s/√n (JJF 1059.1 4.2.2)."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or x.size < 2 or not np.isfinite(x).all():
        raise AccountingError(
            "uncertainty.type_a", "values: expected ≥ 2 finite observations, got {n}", n=int(x.size)
        )
    return float(x.std(ddof=1) / math.sqrt(x.size))


def u_from_repeatability(s_r: float, n: int, s_reproducibility: float | None = None) -> float:
    """A laboratory method's precision applied to a result that is the mean of n replicates.

    With only the repeatability s_r: u = s_r/√n (Type A from the method's pooled s). With the
    reproducibility s_R too (ISO 21748 / GB/T 6379.2): u² = s_R² − (1 − 1/n) s_r², which keeps
    the between-laboratory part that averaging replicates cannot remove.
    """
    if n < 1:
        raise AccountingError("uncertainty.replicates", "n: expected ≥ 1, got {got}", got=n)
    s_r = _non_negative("s_r", s_r)
    if s_reproducibility is None:
        return s_r / math.sqrt(n)
    s_big = _non_negative("s_reproducibility", s_reproducibility)
    if s_big < s_r:
        raise AccountingError(
            "uncertainty.reproducibility",
            "s_reproducibility {big} must be ≥ s_r {small}",
            big=s_big,
            small=s_r,
        )
    return math.sqrt(s_big**2 - (1.0 - 1.0 / n) * s_r**2)


def s_from_limit(limit: float) -> float:
    """A standard's repeatability limit r (or reproducibility limit R) → s = limit/2.8."""
    return _non_negative("limit", limit) / LIMIT_FACTOR


def u_from_range(low: float, high: float) -> float:
    """A default factor known only as a range [low, high]: rectangular, (high − low)/(2√3).

    E.g. a default emission factor tabulated as 0.51–0.53 tCO2/t (standards.md §10).
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise AccountingError(
            "uncertainty.range",
            "range: expected finite low ≤ high, got [{low}, {high}]",
            low=low,
            high=high,
        )
    return (high - low) / (2.0 * SQRT3)


def u_relative(value: float, relative: float) -> float:
    """A relative standard uncertainty (fraction, e.g. 0.01 for 1 %) in the unit of the value."""
    return abs(float(value)) * _non_negative("relative", relative)


def _non_negative(field: str, value: float) -> float:
    v = float(value)
    if not (v >= 0 and math.isfinite(v)):
        raise AccountingError(
            "uncertainty.negative",
            "{field}: expected a finite value ≥ 0, got {got}",
            field=field,
            got=value,
        )
    return v
