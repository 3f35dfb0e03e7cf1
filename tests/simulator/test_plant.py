from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from tanji.simulator import Plant, SimulatorError, load_scenario
from tanji.simulator.tags import TAGS

from .conftest import Run


def _hourly_mean(values: np.ndarray) -> np.ndarray:
    return np.nanmean(values.reshape(-1, 60), axis=1)


def test_clinker_and_raw_meal_within_plausibility_bands(month: Run) -> None:
    act = month.truth.activity
    days = len(month.truth.hours) / 24
    clinker_t = act["clinker_t"].sum()
    assert 4800 <= clinker_t / days <= 5500
    assert 1.52 <= act["raw_meal_t"].sum() / clinker_t <= 1.62


def test_fuel_heat_and_coal_within_plausibility_bands(month: Run) -> None:
    act, params = month.truth.activity, month.plant.params
    clinker_t = act["clinker_t"].sum()
    coal_t = act["coal_kiln_head_t"].sum() + act["coal_calciner_t"].sum()
    assert 0.125 <= coal_t / clinker_t <= 0.14
    kiln_head_share = act["coal_kiln_head_t"].sum() / coal_t
    assert 0.35 <= kiln_head_share <= 0.45
    heat = (
        coal_t * params.coal.ncv_gj_per_t
        + act["msw_t"].sum() * params.msw.ncv_gj_per_t
        + act["cloth_strips_t"].sum() * params.cloth_strips.ncv_gj_per_t
    )
    assert 3.0 <= heat / clinker_t <= 3.2


def test_emission_intensities_within_plausibility_bands(month: Run) -> None:
    truth = month.truth
    clinker_t = truth.activity["clinker_t"].sum()
    process = truth.total("carbonate") / clinker_t
    fuel = sum(truth.total(s) for s in ("coal_kiln_head", "coal_calciner")) / clinker_t
    assert 0.51 <= process <= 0.53
    assert 0.26 <= fuel <= 0.38
    assert 0.78 <= truth.fossil_co2_t.sum() / clinker_t <= 0.92
    assert 160 <= truth.stack_co2_t.mean() <= 180


def test_stack_readings_within_typical_ranges(month: Run) -> None:
    values = month.frame.values
    normal = month.frame.flags["L1.CEMS.CO2"] == 0
    assert 350_000 <= np.nanmean(values["L1.CEMS.FLOW"]) <= 450_000
    assert 20 <= np.mean(values["L1.CEMS.CO2"][normal]) <= 25
    assert 8 <= np.mean(values["L1.CEMS.O2"][normal]) <= 12
    assert 90 <= np.nanmean(values["L1.CEMS.TEMP"]) <= 140
    assert 6 <= np.nanmean(values["L1.CEMS.H2O"]) <= 12


def test_electricity_per_tonne_and_waste_heat_power(month: Run) -> None:
    act = month.truth.activity
    clinker_t = act["clinker_t"].sum()
    whr_kwh_per_t = act["electricity_whr_mwh"].sum() * 1000 / clinker_t
    assert 30 <= whr_kwh_per_t <= 38
    frame = month.frame
    clinker_areas = ("L1.EL.RAWMILL", "L1.EL.COALMILL", "L1.EL.KILN", "L1.EL.AUX")
    line_kwh = sum(frame.values[tag][-1] - frame.values[tag][0] for tag in clinker_areas)
    assert 50 <= line_kwh / clinker_t <= 60


def test_same_seed_same_values_other_seed_other_values() -> None:
    scenario = load_scenario("normal-month")
    end = scenario.start + timedelta(hours=6)
    first = Plant(scenario).simulate(scenario.start, end)
    again = Plant(scenario).simulate(scenario.start, end)
    other = Plant(replace(scenario, seed=scenario.seed + 1)).simulate(scenario.start, end)
    for tag in first.values:
        np.testing.assert_array_equal(first.values[tag], again.values[tag])
    assert not np.allclose(first.values["L1.COAL.PC"], other.values["L1.COAL.PC"])


def test_any_window_and_instant_agree_with_the_backfill(month: Run) -> None:
    plant = Plant(month.plant.scenario)
    start = plant.scenario.start + timedelta(days=12, hours=5, minutes=17)
    part = plant.simulate(start, start + timedelta(hours=2))
    offset = 12 * 1440 + 5 * 60 + 17
    for tag in part.values:
        np.testing.assert_allclose(
            part.values[tag], month.frame.values[tag][offset : offset + 120], rtol=1e-9
        )
    snapshot = plant.values_at(start + timedelta(seconds=42))
    assert snapshot == pytest.approx({t: part.values[t][0] for t in part.values}, rel=1e-9)
    assert set(snapshot) == {tag.code for tag in TAGS}


def test_values_far_from_the_start_use_counter_checkpoints() -> None:
    plant = Plant(load_scenario("normal-month"))
    later = plant.scenario.start + timedelta(days=75, minutes=3)
    whole = plant.simulate(plant.scenario.start, later + timedelta(minutes=1))
    assert plant.values_at(later)["L1.CLK.OUT.TOT"] == pytest.approx(
        whole.values["L1.CLK.OUT.TOT"][-1], rel=1e-9
    )


def test_refuses_a_window_before_the_start() -> None:
    plant = Plant(load_scenario("normal-month"))
    with pytest.raises(SimulatorError) as caught:
        plant.simulate(plant.scenario.start - timedelta(hours=1), plant.scenario.start)
    assert caught.value.code == "simulator.bad_window"
    with pytest.raises(SimulatorError) as caught:
        plant.ground_truth(plant.scenario.start, plant.scenario.start + timedelta(minutes=90))
    assert caught.value.code == "simulator.not_whole_hours"
