"""One pass over a line's meters: every detector its profile calls for, kiln stops masked.

Kiln stops are found from the clinker output (or any production-rate meter): minutes below
half the running median are stopped, and each stop is widened by the heating and feed ramp that
follow a restart. Inside those spans rates are zero or ramping, analysers flag F and nothing is
an anomaly but silence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tanji.analytics.anomalies.balance import Balance, balance_drift
from tanji.analytics.anomalies.detectors import counter_backwards, gaps, spikes, stuck_values
from tanji.analytics.anomalies.model import (
    HOUR_MS,
    Anomaly,
    MeterKind,
    Profile,
    Series,
    runs,
)

#: Running if above this share of the median running rate.
RUNNING_SHARE = 0.5
#: Stops are widened by this much after their end (heating and feed ramp, standards §10 line).
RESTART_MARGIN_MS = 2 * HOUR_MS


@dataclass(frozen=True)
class LineScan:
    """What to scan: a window, each tag's series and profile, balances, the production meter."""

    window: tuple[int, int]
    series: Mapping[str, Series]
    profiles: Mapping[str, Profile]
    balances: tuple[Balance, ...] = ()
    production_tag: str | None = None


Spans = tuple[tuple[int, int], ...]


def stopped_spans(production: Series, margin_ms: int = RESTART_MARGIN_MS) -> Spans:
    """Spans in which the line was stopped or restarting, from a production-rate series."""
    value = np.where(np.isfinite(production.value), production.value, 0.0)
    positive = value[value > 0]
    if positive.size == 0:
        return (
            ((int(production.ts_ms[0]), int(production.ts_ms[-1]) + 1),) if len(production) else ()
        )
    low = value < RUNNING_SHARE * float(np.median(positive))
    spans = []
    for lo, hi in runs(low):
        end = int(production.ts_ms[hi]) if hi < len(production) else int(production.ts_ms[-1]) + 1
        spans.append((int(production.ts_ms[lo]), end + margin_ms))
    return tuple(spans)


def scan(line: LineScan) -> list[Anomaly]:
    """Every anomaly of the line's meters in the window, ordered by start."""
    stopped: Spans = ()
    if line.production_tag and line.production_tag in line.series:
        stopped = stopped_spans(line.series[line.production_tag])
    found: list[Anomaly] = []
    for tag, series in line.series.items():
        profile = line.profiles.get(tag, Profile(MeterKind.STEADY))
        found += gaps(series, profile, line.window)
        if profile.kind is MeterKind.COUNTER:
            found += counter_backwards(series, profile)
        elif profile.kind is not MeterKind.STEADY:
            found += stuck_values(series, profile, stopped)
            found += spikes(series, profile, stopped)
    for balance in line.balances:
        if balance.subject in line.series and balance.reference in line.series:
            step = line.profiles.get(balance.subject, Profile(MeterKind.RATE)).step_ms
            found += balance_drift(
                balance,
                line.series[balance.subject],
                line.series[balance.reference],
                line.window,
                stopped,
                step,
            )
    return sorted(found, key=lambda a: (a.start_ms, a.tag, a.kind))
