"""Coal-scale drift found by the kiln's heat balance (热平衡): a trend in heat per clinker.

A slowly drifting coal scale stays plausible against any single meter: the kiln-feed/clinker
balance (:mod:`balance`) does not see coal, and coal per clinker moves ±2 % from one delivery
batch to the next with its NCV. Weighted by the batch NCV from the lab (measured per batch, as
the 2025 clinker guideline asks; standards §3), the coal becomes heat (activity data
AD = FC × NCV, GB/T 32151.8-2023 cl. 6, standards §2.2), and the specific heat consumption
of clinker

    q = (Σ FC_coal × NCV_batch + Σ Q_refuse × NCV_refuse) / M_clinker   [GJ/t × 1000 = kJ/kg]

is a property of the kiln that stays within about a percent from day to day (typical
3.0–3.2 GJ/t, standards §10; the lab's 1 % NCV error holds for a 48-hour batch, so the daily
q is serially correlated and its test variance is corrected for it). A drift of one coal scale
moves q by the drift times that scale's share of the heat, and moves the calciner share
s = FC_pc / (FC_kh + FC_pc) — in which the batch NCV cancels — by s(1 − s) times the drift.
Both daily series are judged over a sliding window by the Mann–Kendall trend test (Mann 1945;
Kendall 1975, with the tie correction of the variance), and the size of a trend by Sen's slope
(Sen 1968): a trend significant on :attr:`HeatSettings.confirm_days` running days in a row and
larger than the stated minimum rate is a drift. The signs of the two slopes name the suspect
scale: q and s rising together is the calciner scale reading high, q rising while s falls the
kiln-head scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np

from tanji.analytics.anomalies.model import FloatArray, IntArray
from tanji.analytics.errors import AnalyticsError

#: A day counts as running when its clinker reaches this share of the median day's.
RUNNING_SHARE = 0.5


@dataclass(frozen=True)
class HeatDays:
    """Daily totals of a line, one entry per day (arrays of equal length).

    Attributes:
        days_ms: day starts (UTC epoch ms).
        kiln_head_t: coal to the kiln-head burner, t.
        calciner_t: coal to the calciner, t.
        ncv_gj_per_t: NCV of the coal fired that day (batch NCV from the lab, mass-weighted), GJ/t.
        clinker_t: clinker output, t.
        other_heat_gj: heat of the other fuels (refuse × its NCV), GJ.
    """

    days_ms: IntArray
    kiln_head_t: FloatArray
    calciner_t: FloatArray
    ncv_gj_per_t: FloatArray
    clinker_t: FloatArray
    other_heat_gj: FloatArray

    def __post_init__(self) -> None:
        size = self.days_ms.size
        for name in ("kiln_head_t", "calciner_t", "ncv_gj_per_t", "clinker_t", "other_heat_gj"):
            if getattr(self, name).size != size:
                raise AnalyticsError(
                    "analytics.heat_shape",
                    "{field}: expected {expected} daily values, got {got}",
                    field=name,
                    expected=size,
                    got=getattr(self, name).size,
                )

    def running(self) -> np.ndarray:
        """Days the kiln ran (clinker ≥ half the median day's) with a known NCV."""
        produced = self.clinker_t > 0
        if not produced.any():
            return produced
        median = float(np.median(self.clinker_t[produced]))
        return (self.clinker_t >= RUNNING_SHARE * median) & np.isfinite(self.ncv_gj_per_t)


def specific_heat_kj_per_kg(days: HeatDays) -> FloatArray:
    """Heat per clinker of each day, kJ/kg (NaN on days without clinker)."""
    heat = (days.kiln_head_t + days.calciner_t) * days.ncv_gj_per_t + days.other_heat_gj
    with np.errstate(divide="ignore", invalid="ignore"):
        q: FloatArray = np.where(days.clinker_t > 0, 1000.0 * heat / days.clinker_t, np.nan)
    return q


def calciner_share(days: HeatDays) -> FloatArray:
    """Calciner share of the coal of each day (NaN on days without coal)."""
    coal = days.kiln_head_t + days.calciner_t
    with np.errstate(divide="ignore", invalid="ignore"):
        share: FloatArray = np.where(coal > 0, days.calciner_t / coal, np.nan)
    return share


@dataclass(frozen=True)
class TrendTest:
    """Mann–Kendall statistic S, its normal score z, two-sided p and Sen's slope per step."""

    s: int
    z: float
    p: float
    slope: float


def mann_kendall(x: FloatArray, *, inflation: float = 1.0) -> TrendTest:
    """Mann–Kendall trend test of an equally spaced series, with Sen's slope.

    S = Σ_{i<j} sign(x_j − x_i); Var S = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18 over groups of
    t tied values; z = (S − sign S) / √Var S (continuity correction); Sen's slope is the median
    of (x_j − x_i)/(j − i). ``inflation`` multiplies Var S for a serially correlated series
    (:func:`ar1_inflation`).
    """
    n = x.size
    if n < 3:
        raise AnalyticsError("analytics.short_series", "trend test: need 3 values, got {n}", n=n)
    i, j = np.triu_indices(n, 1)
    diff = x[j] - x[i]
    s = int(np.sign(diff).sum())
    slope = float(np.median(diff / (j - i)))
    _, ties = np.unique(x, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - float(np.sum(ties * (ties - 1) * (2 * ties + 5)))) / 18.0
    var *= inflation
    z = (s - math.copysign(1, s)) / math.sqrt(var) if s != 0 and var > 0 else 0.0
    p = 2.0 * (1.0 - NormalDist().cdf(abs(z)))
    return TrendTest(s, z, p, slope)


def ar1_rho(history: FloatArray) -> float:
    """Lag-one autocorrelation ρ of an AR(1) series with a linear trend, within [0, 0.95].

    Estimated from the lag-one correlation r of the first differences (ρ = 1 + 2r for AR(1)),
    which a linear trend does not bias: the drift being tested for does not hide the
    correlation that would excuse it.
    """
    steps = np.diff(history)
    if steps.size < 3:
        return 0.0
    centred = steps - steps.mean()
    denominator = float(np.dot(centred, centred))
    r = float(np.dot(centred[1:], centred[:-1])) / denominator if denominator > 0 else -0.5
    return min(max(1.0 + 2.0 * r, 0.0), 0.95)


def ar1_inflation(rho: float, n: int) -> float:
    """Variance inflation n/n* of the Mann–Kendall S of n AR(1) values (Yue & Wang 2004).

    n/n* = 1 + 2 Σ_{k=1}^{n−1} (1 − k/n) ρ^k.
    """
    k = np.arange(1, n)
    return 1.0 + 2.0 * float(np.sum((1.0 - k / n) * rho**k))


@dataclass(frozen=True)
class HeatSettings:
    """How the drift is judged (ADR 0241)."""

    #: Running days judged together; a drift shows within about this many days.
    window_days: int = 14
    #: Two-sided level of each of the two tests on one day.
    alpha: float = 0.001
    #: Smallest trend of q reported, relative per day (below the scales' 0.5 % over a week).
    min_heat_rate: float = 0.001
    #: Smallest trend of the calciner share reported, per day.
    min_share_rate: float = 0.0005
    #: Consecutive judged days a trend must persist before it counts.
    confirm_days: int = 2
    #: Consecutive days without a significant trend before a found drift counts as gone.
    clear_days: int = 3


@dataclass(frozen=True)
class HeatDrift:
    """A drift found: since when it is confirmed, its trends and the suspect scale."""

    start_ms: int
    detected_ms: int
    last_ms: int
    heat_rate_per_day: float
    share_rate_per_day: float
    p: float
    scale: str
    holding: bool = False


def _judge_day(
    q: FloatArray, s: FloatArray, end: int, settings: HeatSettings
) -> tuple[bool, float, float, float]:
    """Judge the window of running days ending before ``end`` (q's history is ``q[:end]``)."""
    window = slice(end - settings.window_days, end)
    inflation = ar1_inflation(ar1_rho(q[:end]), settings.window_days)
    heat = mann_kendall(q[window], inflation=inflation)
    share = mann_kendall(s[window])
    heat_rate = heat.slope / float(np.median(q[window]))
    heat_found = heat.p < settings.alpha and abs(heat_rate) >= settings.min_heat_rate
    share_found = share.p < settings.alpha and abs(share.slope) >= settings.min_share_rate
    return heat_found or share_found, heat_rate, share.slope, min(heat.p, share.p)


def heat_drift(days: HeatDays, settings: HeatSettings | None = None) -> list[HeatDrift]:
    """Drifts of a coal scale in the line's daily heat balance, earliest first.

    A drift starts once the trend is significant on ``confirm_days`` running days in a row and
    ends after ``clear_days`` without it (shorter lapses do not split it); the last drift
    ``holding`` has not ended on the last day.
    """
    settings = settings or HeatSettings()
    running = np.flatnonzero(days.running())
    q, s = specific_heat_kj_per_kg(days)[running], calciner_share(days)[running]
    found: list[HeatDrift] = []
    streak: list[tuple[int, float, float, float]] = []
    quiet, active = 0, False
    for end in range(settings.window_days, running.size + 1):
        flagged, heat_rate, share_rate, p = _judge_day(q, s, end, settings)
        if not flagged:
            quiet += 1
            if not active or quiet >= settings.clear_days:
                streak, active = [], False
            continue
        quiet = 0
        streak.append((int(running[end - 1]), heat_rate, share_rate, p))
        if active:
            found[-1] = _drift(days, streak, found[-1].detected_ms)
        elif len(streak) >= settings.confirm_days:
            active = True
            found.append(_drift(days, streak))
    if found and active:
        found[-1] = replace(found[-1], holding=True)
    return found


def _drift(
    days: HeatDays, streak: list[tuple[int, float, float, float]], detected: int | None = None
) -> HeatDrift:
    first, last = streak[0][0], streak[-1][0]
    _, heat_rate, share_rate, p = streak[-1]
    scale = "calciner" if (heat_rate > 0) == (share_rate > 0) else "kiln_head"
    return HeatDrift(
        int(days.days_ms[first]),
        detected if detected is not None else int(days.days_ms[streak[-1][0]]),
        int(days.days_ms[last]),
        heat_rate,
        share_rate,
        p,
        scale,
    )
