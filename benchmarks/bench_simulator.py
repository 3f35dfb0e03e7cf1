"""Simulator throughput: a line-year back-filled, instants read, readings materialised."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

from tanji.simulator import Plant, load_scenario


def _median(samples: list[float]) -> float:
    return sorted(samples)[len(samples) // 2]


def run() -> Iterator[str]:
    scenario = load_scenario("normal-month")
    plant = Plant(scenario)
    plant.simulate(scenario.start, scenario.start + timedelta(days=1))  # warm-up
    times = []
    for _ in range(3):
        started = time.perf_counter()
        frame = plant.simulate(scenario.start, scenario.start + timedelta(days=365))
        times.append(time.perf_counter() - started)
    values = len(frame) * len(frame.values)
    yield (
        f"back-fill 1 line-year, {len(frame.values)} tags × {len(frame)} minutes: "
        f"{_median(times):.2f} s ({values / _median(times) / 1e6:.1f} M values/s)"
    )
    started = time.perf_counter()
    truth = plant.ground_truth(scenario.start, scenario.start + timedelta(days=365))
    yield (
        f"ground truth, 1 year hourly by source: {time.perf_counter() - started:.2f} s "
        f"({len(truth.hours)} hours)"
    )
    fresh = Plant(scenario)
    started = time.perf_counter()
    fresh.values_at(scenario.start + timedelta(days=364, hours=12))
    yield (
        f"values_at one year after the start (cold, checkpoints): "
        f"{time.perf_counter() - started:.2f} s"
    )
    started = time.perf_counter()
    for minute in range(1, 1441):
        fresh.values_at(scenario.start + timedelta(days=364, minutes=minute % 720))
    yield f"values_at within a cached day: {(time.perf_counter() - started) / 1440 * 1e6:.0f} µs"
    started = time.perf_counter()
    day = plant.simulate(scenario.start, scenario.start + timedelta(days=1))
    count = sum(1 for _ in day.readings())
    elapsed = time.perf_counter() - started
    yield f"Reading objects from one day: {count / elapsed / 1e3:.0f} k readings/s"
