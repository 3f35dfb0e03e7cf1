"""Analytics: meter anomaly scan of a line-year of minute data; forecasts and their backtest."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import numpy as np
from tests.analytics.factories import frame_series, line_scan

from tanji.analytics.anomalies import scan
from tanji.analytics.forecast import backtest, level_forecast
from tanji.simulator import Plant
from tanji.simulator.scenarios import parse_scenario

#: A year of line L1 with two kiln stops (spring overhaul, a summer trip) and a drifting scale.
YEAR = {
    "start": "2025-01-01T00:00:00+08:00",
    "days": 365,
    "seed": 2025,
    "events": [
        {"kind": "kiln_stop", "at": "2025-02-01T08:00:00+08:00", "hours": 480},
        {"kind": "kiln_stop", "at": "2025-07-15T03:00:00+08:00", "hours": 36},
        {"kind": "drift", "at": "2025-09-01T00:00:00+08:00", "hours": 96, "rate_per_day": 0.01,
         "tags": ["L1.RM.FEED"]},
    ],
}  # fmt: skip


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def run() -> Iterator[str]:
    scenario = parse_scenario(YEAR, "bench")
    plant = Plant(scenario)
    frame = plant.simulate(scenario.start, scenario.end)
    series = frame_series(frame)
    times, found = [], []
    for _ in range(2):
        started = time.perf_counter()
        found = scan(line_scan(series, frame))
        times.append(time.perf_counter() - started)
    samples = sum(len(s) for s in series.values())
    yield (
        f"anomaly scan, 1 line-year ({len(series)} tags, {samples / 1e6:.1f} M samples): "
        f"{min(times):.2f} s, {len(found)} anomalies ({_load()})"
    )
    truth = plant.ground_truth(scenario.start, scenario.end)
    daily = truth.fossil_co2_t.reshape(-1, 24).sum(axis=1)
    started = time.perf_counter()
    for _ in range(100):
        forecast = level_forecast(daily[:200], 165)
        forecast.block(0, 164)
    yield (
        f"forecast 165 days from 200 (level, with year-end block): "
        f"{(time.perf_counter() - started) * 10:.1f} ms ({_load()})"
    )
    for horizon in (7, 30):
        started = time.perf_counter()
        result = backtest(daily, horizon, min_train=60, step=7)
        yield (
            f"backtest daily CO2, {horizon} days ahead, {result.origins} origins: "
            f"MAPE {result.mape:.1f} %, 90 % interval coverage {result.coverage:.0%}, "
            f"{time.perf_counter() - started:.2f} s"
        )
    running = daily[daily > 0.5 * np.median(daily)]
    result = backtest(running, 7, min_train=60, step=7)
    yield f"backtest running days only, 7 days ahead: MAPE {result.mape:.1f} % ({_load()})"
