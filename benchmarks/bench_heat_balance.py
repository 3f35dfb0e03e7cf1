"""Heat-balance drift check: detection delay of a 0.5 %/day coal-scale drift, clean-year alarms.

Twenty seeded 60-day runs with one coal scale (ten calciner, ten kiln head) drifting +0.5 %/day
from day 20, and ten clean simulated years (different seeds), through
:func:`tanji.analytics.anomalies.heat.heat_drift` with its default settings. CPU seconds are
per line-year judged (daily tests over the year), the load-independent figure.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import numpy as np
from tests.analytics.factories import heat_days

from tanji.analytics.anomalies.heat import heat_drift
from tanji.simulator import Plant
from tanji.simulator.scenarios import parse_scenario

START = "2025-01-01T00:00:00+08:00"
DAY_MS = 86_400_000


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def _delay(seed: int, tag: str) -> float | None:
    """Days from the drift's start to its detection (None: not found within 40 days)."""
    drift = {"kind": "drift", "at": "2025-01-21T00:00:00+08:00", "hours": 40 * 24,
             "rate_per_day": 0.005, "tags": [tag]}  # fmt: skip
    scenario = parse_scenario({"start": START, "days": 60, "seed": seed, "events": [drift]}, "b")
    days = heat_days(Plant(scenario), scenario.start, 60)
    onset = int(days.days_ms[20])
    after = [d for d in heat_drift(days) if d.detected_ms >= onset]
    return (after[0].detected_ms - onset) / DAY_MS if after else None


def run() -> Iterator[str]:
    for tag in ("L1.COAL.PC", "L1.COAL.KH"):
        delays = [_delay(seed, tag) for seed in range(1, 11)]
        found = np.array([d for d in delays if d is not None])
        yield (
            f"heat balance, {tag} +0.5 %/day: found {found.size}/10, delay median "
            f"{np.median(found):.1f} d, range {found.min():.0f}–{found.max():.0f} d"
        )
    alarms, cpu = 0, 0.0
    for seed in range(101, 111):
        scenario = parse_scenario({"start": START, "days": 365, "seed": seed, "events": []}, "b")
        days = heat_days(Plant(scenario), scenario.start, 365)
        started = time.process_time()
        alarms += len(heat_drift(days))
        cpu += time.process_time() - started
    yield (
        f"heat balance, 10 clean simulated years: {alarms} false alarms; "
        f"{cpu / 10:.2f} CPU-s per line-year judged ({_load()})"
    )
