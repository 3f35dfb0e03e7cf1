"""Lab analyses appear on their schedules and scatter around the truth by their uncertainty."""

from collections import Counter
from datetime import timedelta

import numpy as np
import pytest

from tanji.simulator import quality
from tanji.simulator.events import epoch_minute

from .conftest import Run


def test_schedules_per_batch_per_shift_and_monthly(month: Run) -> None:
    scenario = month.plant.scenario
    results = month.plant.lab_results(scenario.start, scenario.end + timedelta(days=3))
    counts = Counter((r.material, r.analyte) for r in results)
    assert counts[("coal", "ncv")] == counts[("coal", "carbon")] in (16, 17)  # every 48 h
    assert counts[("clinker", "cao")] == counts[("clinker", "mgo")] == 3 * 33  # every 8 h
    monthly = [
        ("raw_meal", "toc"),
        ("msw", "carbon"),
        ("msw", "fossil_fraction"),
        ("cloth_strips", "carbon"),
        ("cloth_strips", "fossil_fraction"),
        ("clinker", "cao_non_carbonate"),
    ]
    for key in monthly:
        assert counts[key] == 2  # May (reported 3 June) and June (reported 3 July)
    for result in results:
        assert scenario.start <= result.reported_at < scenario.end + timedelta(days=3)
        assert result.period_start < result.reported_at  # a coal batch is fired after analysis
        assert result.period_start < result.period_end
        assert result.standard_uncertainty > 0
        assert result.unit in {"GJ/t", "%"}


def test_coal_results_scatter_around_the_true_batch_quality(month: Run) -> None:
    plant = month.plant
    results = [
        r
        for r in plant.lab_results(plant.scenario.start, plant.scenario.end)
        if r.material == "coal" and r.analyte == "ncv"
    ]
    batches = np.array([epoch_minute(r.period_start) for r in results]) // (48 * 60)
    truth = quality.coal_ncv(plant.seed, plant.params, batches)
    z = (np.array([r.value for r in results]) - truth) / np.array(
        [r.standard_uncertainty for r in results]
    )
    assert np.abs(z).max() < 4
    assert 0.3 < z.std() < 2.0


def test_shift_results_describe_the_clinker_the_truth_burns(month: Run) -> None:
    plant = month.plant
    shift_start = plant.scenario.start + timedelta(hours=8)
    results = plant.lab_results(shift_start + timedelta(hours=9), shift_start + timedelta(hours=10))
    cao = next(r for r in results if r.analyte == "cao")
    assert cao.period_start == shift_start
    assert cao.period_end - cao.period_start == timedelta(hours=8)
    assert 64.5 <= cao.value <= 66.5
    true = (
        100
        * quality.clinker_cao(
            plant.seed, plant.params, np.array([epoch_minute(shift_start) // 480])
        )[0]
    )
    assert cao.value == pytest.approx(true, abs=4 * cao.standard_uncertainty)
