"""Accounting core: period evaluation with GUM, vectorised formulas, totaliser intervals."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from benchmarks.accounting_cems import cems_and_monte_carlo
from tanji.accounting import fuel
from tanji.accounting.activity import load_activity
from tanji.accounting.counters import counter_intervals
from tanji.accounting.factors import load_library
from tanji.accounting.period import evaluate_period

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "activity-2025-03.yaml"


def _best(fn: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def run() -> Iterator[str]:
    library = load_library()
    activity = load_activity(EXAMPLE)
    seconds = _best(lambda: evaluate_period(activity, library))
    gum = evaluate_period(activity, library).gum
    inputs = len(gum.sensitivities["boundary.enterprise.co2_t"])
    sources = len(activity.sources)
    yield f"period with GUM ({sources} sources, {inputs} uncertain inputs): {seconds * 1e3:.2f} ms"
    seconds = _best(load_library)
    yield f"factor library load: {seconds * 1e3:.1f} ms"
    n = 1_000_000
    rng = np.random.default_rng(1)
    fc = rng.uniform(10, 30, n)
    seconds = _best(lambda: fuel.fuel_combustion_co2_t(fc, 22.5, 0.02618, 0.98))
    yield f"fuel formula on 1e6 samples: {seconds * 1e3:.1f} ms ({n / seconds / 1e6:.0f} M/s)"
    readings = np.cumsum(rng.uniform(0, 5, n)) % 1e6
    times = np.arange(n) * 1.0
    seconds = _best(lambda: counter_intervals(times, readings, register_max=1e6, max_interval_s=5))
    yield f"counter intervals, 1e6 readings with roll-overs: {seconds * 1e3:.0f} ms"
    yield from cems_and_monte_carlo()
