"""Simulated periods shared by the simulator tests (computed once per session; each < 0.2 s)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tanji.simulator import Frame, GroundTruth, Plant, load_scenario


@dataclass(frozen=True)
class Run:
    plant: Plant
    frame: Frame
    truth: GroundTruth


def _run(name: str) -> Run:
    plant = Plant(load_scenario(name))
    start, end = plant.scenario.start, plant.scenario.end
    return Run(plant, plant.simulate(start, end), plant.ground_truth(start, end))


@pytest.fixture(scope="session")
def month() -> Run:
    return _run("normal-month")


@pytest.fixture(scope="session")
def week() -> Run:
    return _run("eventful-week")
