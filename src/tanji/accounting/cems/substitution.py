"""Substitution of invalid CEMS hours, concentration and flow separately, flagged as substituted.

Two rules, chosen per use (ADR 0020):

* ``hj75`` — HJ 75-2017 §12 as recalled [R, medium; standards.md §4.2 — verify against the
  text]: a gap of ≤ 24 h takes the mean of the last valid hour before and the first valid hour
  after it; a longer gap takes the maximum of the previous 720 valid hourly values.
* ``conservative`` — the mean plus two standard deviations of the valid hours of the period,
  EU MRR 2018/2066 Annex VIII eq. 4 (``C* = C̄ + 2σ_C``) [F]. The 2025 national clinker guideline
  text located for this product holds no CEMS substitution clause (standards.md §3, §12); its
  rule family substitutes missing measured parameters by conservative values, which this rule
  implements. Applying eq. 4 to the flow as well is our choice [I].

Substituted hours carry the platform's quality flag ``R``; accounting does not import the
protocol package, so the flag is the plain letter and masks are bool arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tanji.accounting.cems._checks import CemsInputError, FloatArray, as_float_array
from tanji.accounting.cems.hourly import CemsHour

#: The platform's quality-flag letter for a substituted value (protocols.readings.QualityFlag).
SUBSTITUTED_FLAG = "R"
#: HJ 75-2017 §12 [R]: gaps up to this many hours are bridged by the neighbours' mean.
SHORT_GAP_HOURS = 24
#: HJ 75-2017 §12 [R]: longer gaps take the maximum of this many previous valid hours.
LOOKBACK_VALID_HOURS = 720

Rule = Literal["hj75", "conservative"]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class SubstitutedSeries:
    """An hourly series with its gaps filled; ``substituted`` marks the filled hours.

    ``values`` stays NaN where no rule applies (no valid hour to draw on).
    """

    values: FloatArray
    substituted: BoolArray
    rule: str


@dataclass(frozen=True, slots=True)
class SubstitutedHours:
    """Hourly CEMS results with invalid hours substituted; mass recomputed by eq. (33)."""

    std_dry_flow_m3: FloatArray
    co2_mg_per_m3: FloatArray
    co2_kg: FloatArray
    measured: BoolArray
    substituted: BoolArray
    flag: npt.NDArray[np.str_]
    rule: str


def substitute_hj75(
    values: Any,
    valid: Any,
    short_gap_hours: int = SHORT_GAP_HOURS,
    lookback_valid_hours: int = LOOKBACK_VALID_HOURS,
) -> SubstitutedSeries:
    """Fill invalid hours by the HJ 75-2017 §12 rule [R] (see module docstring).

    A short gap at either end of the series, lacking one neighbour, takes the one neighbour
    there is [I]; a long gap without any earlier valid hour stays NaN (unsubstituted).
    """
    x, ok = _series(values, valid)
    starts, ends = _gaps(ok)
    filled = np.full(starts.shape, np.nan)
    valid_values = x[ok]
    valid_before: npt.NDArray[np.int64] = np.cumsum(ok, dtype=np.int64) - ok  # valid hours before
    for i, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        if b - a <= short_gap_hours:
            neighbours = [x[j] for j in (a - 1, b) if 0 <= j < x.size]
            filled[i] = float(np.mean(neighbours)) if neighbours else np.nan
        else:
            count = int(valid_before[a])
            window = valid_values[max(0, count - lookback_valid_hours) : count]
            filled[i] = float(window.max()) if window.size else np.nan
    return _fill(x, ok, filled, ends - starts, "hj75")


def substitute_conservative(
    values: Any, valid: Any, coverage_factor: float = 2.0
) -> SubstitutedSeries:
    """Fill invalid hours with ``mean + coverage_factor × s`` of the valid hours (MRR eq. 4)."""
    x, ok = _series(values, valid)
    starts, ends = _gaps(ok)
    enough = ok.sum() >= 2
    value = float(x[ok].mean() + coverage_factor * x[ok].std(ddof=1)) if enough else np.nan
    return _fill(x, ok, np.full(starts.shape, value), ends - starts, "conservative")


def substitute_cems_hours(hours: CemsHour, rule: Rule = "hj75") -> SubstitutedHours:
    """Substitute concentration and flow of invalid hours separately; recompute the mass.

    HJ 75 §12 [R] substitutes concentration and flow separately; the mass of a substituted hour
    is then eq. (33) ``G = C × Q × 10⁻⁶`` of the substituted pair, never a substituted mass.
    """
    if rule not in ("hj75", "conservative"):
        raise CemsInputError(
            "cems.substitution_rule",
            "rule: expected 'hj75' or 'conservative', got {got!r}",
            got=rule,
        )
    method = substitute_hj75 if rule == "hj75" else substitute_conservative
    conc = method(hours.co2_mg_per_m3, hours.valid)
    flow = method(hours.std_dry_flow_m3, hours.valid)
    substituted = conc.substituted & flow.substituted
    flag = np.where(hours.valid, "N", np.where(substituted, SUBSTITUTED_FLAG, ""))
    return SubstitutedHours(
        std_dry_flow_m3=flow.values,
        co2_mg_per_m3=conc.values,
        co2_kg=conc.values * flow.values * 1.0e-6,
        measured=np.asarray(hours.valid, dtype=np.bool_),
        substituted=substituted,
        flag=flag,
        rule=rule,
    )


def _series(values: Any, valid: Any) -> tuple[FloatArray, BoolArray]:
    x = as_float_array("values", values)
    ok = np.asarray(valid, dtype=np.bool_)
    if x.ndim != 1 or ok.shape != x.shape:
        raise CemsInputError(
            "cems.series_shape",
            "values and valid: expected two 1-D hourly series of equal length, got {a} and {b}",
            a=list(x.shape),
            b=list(ok.shape),
        )
    bad = ok & ~np.isfinite(x)
    if bad.any():
        raise CemsInputError(
            "cems.valid_not_finite",
            "values row {row}: a valid hour must be finite, got {value}",
            row=int(np.flatnonzero(bad)[0]),
            value=float(x[bad][0]),
        )
    return x, ok


def _gaps(ok: BoolArray) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start (inclusive) and end (exclusive) indices of every run of invalid hours."""
    edges = np.diff(np.concatenate(([0], (~ok).astype(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _fill(
    x: FloatArray, ok: BoolArray, per_gap: FloatArray, lengths: npt.NDArray[np.intp], rule: str
) -> SubstitutedSeries:
    """Write each gap's value over its hours (invalid hours are enumerated gap by gap)."""
    out = np.where(ok, x, np.nan)
    out[~ok] = np.repeat(per_gap, lengths)
    return SubstitutedSeries(values=out, substituted=~ok & np.isfinite(out), rule=rule)
