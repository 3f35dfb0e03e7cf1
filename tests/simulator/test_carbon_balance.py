"""CEMS-derived hourly CO2 against the ground truth (HJ 212-2017 App. D eqs. 20, 24, 33)."""

from dataclasses import replace
from datetime import timedelta

import numpy as np

from tanji.simulator import CemsErrors, LineParameters, Plant
from tanji.simulator.instruments import co2_mass_kg_per_h

from .conftest import Run

MIN_VALID_MINUTES = 45  # HJ 212-2017 App. D eq. (24)


def _cems_hourly_t(run: Run) -> tuple[np.ndarray, np.ndarray]:
    values, flags = run.frame.values, run.frame.flags
    valid = (flags["L1.CEMS.CO2"] == 0) & (flags["L1.CEMS.FLOW"] == 0)
    mass = co2_mass_kg_per_h(values["L1.CEMS.CO2"], values["L1.CEMS.FLOW"])
    mass = np.where(valid, mass, np.nan).reshape(-1, 60)
    count = valid.reshape(-1, 60).sum(axis=1)
    hourly = np.full(count.size, np.nan)
    enough = count >= MIN_VALID_MINUTES
    hourly[enough] = np.nanmean(mass[enough], axis=1) / 1000
    return hourly, enough


def test_cems_hourly_co2_matches_truth_within_stated_cems_error(month: Run) -> None:
    hourly, valid = _cems_hourly_t(month)
    relative = hourly[valid] / month.truth.stack_co2_t[valid] - 1
    bias = month.plant.params.cems.mass_bias
    assert valid.sum() >= 0.99 * valid.size
    assert np.abs(relative - bias).max() < 0.01
    assert abs(relative.mean() - bias) < 0.002


def test_unbiased_cems_reproduces_the_carbon_balance(month: Run) -> None:
    exact = CemsErrors(co2_bias=0.0, velocity_bias=0.0)
    plant = Plant(month.plant.scenario, replace(LineParameters(), cems=exact))
    start = plant.scenario.start
    end = start + timedelta(days=2)
    run = Run(plant, plant.simulate(start, end), plant.ground_truth(start, end))
    hourly, valid = _cems_hourly_t(run)
    relative = hourly[valid] / run.truth.stack_co2_t[valid] - 1
    assert np.abs(relative).max() < 0.01
    assert abs(relative.mean()) < 0.002


def test_hourly_magnitudes_match_tv06_and_tv07(month: Run) -> None:
    # TV-06/07: ~442 000 mg/m³ CO2, ~400 000 m³/h standard dry flow, ~176.7 t/h CO2
    values = month.frame.values
    valid = month.frame.flags["L1.CEMS.CO2"] == 0
    mg_per_m3 = values["L1.CEMS.CO2"][valid] * 1e4 * 44.01 / 22.4
    assert 400_000 <= mg_per_m3.mean() <= 480_000
    hourly, ok = _cems_hourly_t(month)
    assert 165 <= hourly[ok].mean() <= 190
    velocity = values["L1.CEMS.VP"] * month.plant.params.velocity_coefficient
    assert 12 <= np.nanmean(velocity) <= 16


def test_truth_sources_add_up_to_the_stack(month: Run) -> None:
    truth = month.truth
    fossil_stack = truth.fossil_co2_t - truth.co2_t["diesel_forklift"]
    biogenic = truth.co2_t["msw_biogenic"] + truth.co2_t["cloth_strips_biogenic"]
    np.testing.assert_allclose(fossil_stack + biogenic, truth.stack_co2_t, rtol=1e-12)
