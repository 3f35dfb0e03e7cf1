"""Drift of a meter against a balance: a redundant meter or the material balance it belongs to.

A weighing or flow meter that drifts stays plausible on its own; only a second measurement of
the same material flow reveals it. Kiln feed and clinker output are tied by the raw-meal-to-
clinker ratio (料耗比, 1.52–1.62 t/t for a given raw mix, standards §10): their hourly ratio is
steady to a few tenths of a percent while a drifting scale moves it steadily. The detector is a
two-sided tabular CUSUM (Page 1954; Montgomery, *Statistical Quality Control*, §9.1) on the log
ratio standardised by a baseline taken at the start of the window (robust median and MAD).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tanji.analytics.anomalies.detectors import judged
from tanji.analytics.anomalies.model import (
    HOUR_MS,
    Anomaly,
    AnomalyKind,
    FloatArray,
    IntArray,
    Series,
    runs,
)

#: CUSUM reference value k (at least; raised to the balance's tolerance) and decision interval h,
#: in standard deviations. h = 10 rather than the textbook 4–5 because hourly ratios are
#: autocorrelated (lag-1 ≈ 0.4 on the reference line), which shortens the in-control run length.
CUSUM_K = 0.5
CUSUM_H = 10.0
#: Valid hours of the window's start used as the balance's baseline.
BASELINE_HOURS = 24
#: Share of an hour's samples that must be judged for the hour to count.
MIN_HOUR_COVERAGE = 0.5


@dataclass(frozen=True)
class Balance:
    """A meter (``subject``) expected to stay proportional to a reference meter or balance."""

    subject: str
    reference: str
    name: str
    #: Relative shift of the ratio tolerated without alarm: the combined permissible error of
    #: two class-0.5 scales (GB 17167: ±0.5 % each, ≈ 0.7 % together) rounded up, which also
    #: covers the slow wander of the raw mix (±0.3 % over days on the reference line).
    tolerance: float = 0.01


def hourly_means(
    series: Series, hours: IntArray, stopped: tuple[tuple[int, int], ...], step_ms: int
) -> FloatArray:
    """Mean of the judged samples in each hour starting at ``hours`` (NaN if under-covered)."""
    keep = judged(series, stopped)
    ts, value = series.ts_ms[keep], series.value[keep]
    index = np.searchsorted(hours, ts, side="right") - 1
    inside = (index >= 0) & (ts < hours[-1] + HOUR_MS) if hours.size else index >= 0
    sums = np.bincount(index[inside], weights=value[inside], minlength=hours.size)
    counts = np.bincount(index[inside], minlength=hours.size).astype(np.float64)
    needed = MIN_HOUR_COVERAGE * HOUR_MS / step_ms
    with np.errstate(invalid="ignore", divide="ignore"):
        means: FloatArray = np.where(counts >= needed, sums / counts, np.nan)
    return means


def balance_drift(
    balance: Balance,
    subject: Series,
    reference: Series,
    window: tuple[int, int],
    stopped: tuple[tuple[int, int], ...] = (),
    step_ms: int = 60_000,
) -> list[Anomaly]:
    """Spans where ``subject / reference`` has drifted from its baseline (tabular CUSUM)."""
    first = window[0] - window[0] % HOUR_MS
    hours = np.arange(first, window[1], HOUR_MS, dtype=np.int64)
    if hours.size == 0:
        return []
    s = hourly_means(subject, hours, stopped, step_ms)
    r = hourly_means(reference, hours, stopped, step_ms)
    ok = np.isfinite(s) & np.isfinite(r) & (s > 0) & (r > 0)
    at, x = hours[ok], np.log(s[ok] / r[ok])
    if x.size <= BASELINE_HOURS:
        return []
    base = x[:BASELINE_HOURS]
    centre = float(np.median(base))
    sigma = max(1.4826 * float(np.median(np.abs(base - centre))), 1e-4)
    slack = max(CUSUM_K, math.log1p(balance.tolerance) / sigma)
    score = _cusum((x - centre) / sigma, slack)
    found = []
    for start, lo, hi in _excursions(score):
        shift = math.exp(float(np.mean(x[lo:hi])) - centre) - 1.0
        found.append(
            Anomaly(
                balance.subject,
                AnomalyKind.DRIFT,
                int(at[start]),
                int(at[hi - 1]) + HOUR_MS,
                float(score[lo:hi].max()),
                f"{balance.name}: {shift:+.2%} against {balance.reference}",
            )
        )
    return found


def _excursions(score: FloatArray) -> list[list[int]]:
    """(change point, first alarm, end) index triples of the alarms, one per excursion.

    The change point is the last hour the CUSUM was zero before it crossed h; an excursion that
    dips under h and crosses again (same change point) stays one.
    """
    spans: list[list[int]] = []
    for lo, hi in runs(score > CUSUM_H):
        start = lo
        while start > 0 and score[start - 1] > 0:
            start -= 1
        if spans and start <= spans[-1][2]:
            spans[-1][2] = hi
        else:
            spans.append([start, lo, hi])
    return spans


def _cusum(z: FloatArray, slack: float) -> FloatArray:
    """max(S⁺, S⁻) of the two-sided tabular CUSUM of standardised values with slack k."""
    upper = lower = 0.0
    out = np.empty_like(z)
    for i, value in enumerate(z.tolist()):
        upper = max(0.0, upper + value - slack)
        lower = max(0.0, lower - value - slack)
        out[i] = max(upper, lower)
    return out
