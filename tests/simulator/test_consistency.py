"""Meters and lab results of the simulated month reconstruct the truth (R5.1 consistency).

This is the check a platform's accounting route must pass: activity data from totalisers and
factors from lab analyses, combined with the GB/T 32151.8 formulas, land on the ground truth
within the uncertainty of meters and analyses.
"""

from datetime import timedelta

import numpy as np
import pytest

from tanji.simulator.lab import LabResult
from tanji.simulator.tags import TAG_MAP

from .conftest import Run


def _counted(run: Run, tag: str) -> float:
    register = run.frame.values[tag]
    register = register[~np.isnan(register)]  # nothing is read during communication gaps
    steps = np.mod(np.diff(register), TAG_MAP[tag].register_max)
    return float(steps.sum() + run.frame.values[TAG_MAP[tag].rate_tag][-1] / 60)


def _lab(run: Run, days_before: int = 3) -> list[LabResult]:
    start, end = run.plant.scenario.start, run.plant.scenario.end
    return run.plant.lab_results(start - timedelta(days=days_before), end + timedelta(days=3))


def _value(results: list[LabResult], material: str, analyte: str) -> float:
    return next(r.value for r in results if r.material == material and r.analyte == analyte)


def test_clinker_totaliser_matches_the_true_output(month: Run) -> None:
    true_t = month.truth.activity["clinker_t"].sum()
    assert _counted(month, "L1.CLK.OUT.TOT") == pytest.approx(true_t, rel=0.01)


def test_process_co2_from_shift_analyses_matches_the_truth(month: Run) -> None:
    results = [
        r
        for r in _lab(month)
        if r.period_start >= month.plant.scenario.start and r.period_end <= month.plant.scenario.end
    ]
    cao = np.mean([r.value for r in results if r.analyte == "cao"]) / 100
    mgo = np.mean([r.value for r in results if r.analyte == "mgo"]) / 100
    middle = month.plant.scenario.start + timedelta(days=15)
    monthly = [r for r in _lab(month) if r.period_start <= middle < r.period_end]
    cao_nc = _value(monthly, "clinker", "cao_non_carbonate") / 100
    mgo_nc = _value(monthly, "clinker", "mgo_non_carbonate") / 100
    clinker_t = _counted(month, "L1.CLK.OUT.TOT")
    process = clinker_t * ((cao - cao_nc) * 44 / 56 + (mgo - mgo_nc) * 44 / 40)
    assert process == pytest.approx(month.truth.total("carbonate"), rel=0.015)


def test_coal_co2_from_batch_analyses_matches_the_truth(month: Run) -> None:
    carbon = {
        r.period_start: r.value / 100
        for r in _lab(month)
        if r.material == "coal" and r.analyte == "carbon"
    }
    starts = np.array([int(t.timestamp() // 60) for t in carbon])
    fractions = np.array(list(carbon.values()))
    batch = np.searchsorted(starts, month.frame.minutes, side="right") - 1
    rates = month.frame.values["L1.COAL.KH"] + month.frame.values["L1.COAL.PC"]
    coal_carbon_t = np.nansum(rates * fractions[batch]) / 60
    co2 = coal_carbon_t * 0.98 * 44 / 12
    truth = month.truth.total("coal_kiln_head") + month.truth.total("coal_calciner")
    assert co2 == pytest.approx(truth, rel=0.02)
