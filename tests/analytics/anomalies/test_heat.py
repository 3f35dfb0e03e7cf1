"""The heat-balance drift check: worked examples, and the simulator's seeded coal-scale drift."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from tanji.analytics.anomalies.heat import (
    HeatDays,
    ar1_inflation,
    ar1_rho,
    calciner_share,
    heat_drift,
    mann_kendall,
    specific_heat_kj_per_kg,
)
from tanji.analytics.errors import AnalyticsError
from tanji.simulator import Plant
from tanji.simulator.scenarios import parse_scenario
from tests.analytics.factories import heat_days

EXAMPLES: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent.parent / "data/heat.yaml").read_text(encoding="utf-8")
)
DAY = 86_400_000


def _one_day(row: dict[str, float]) -> HeatDays:
    def one(value: float) -> np.ndarray:
        return np.array([float(value)])

    return HeatDays(
        np.array([0], dtype=np.int64), one(row["kiln_head_t"]), one(row["calciner_t"]),
        one(row["ncv"]), one(row["clinker_t"]), one(row["other_gj"]),
    )  # fmt: skip


@pytest.mark.parametrize("row", EXAMPLES["specific_heat"])
def test_specific_heat_and_split_match_the_worked_examples(row: dict[str, float]) -> None:
    days = _one_day(row)
    assert specific_heat_kj_per_kg(days)[0] == pytest.approx(row["q_kj_per_kg"], rel=1e-9)
    assert calciner_share(days)[0] == pytest.approx(row["share"], rel=1e-9)


@pytest.mark.parametrize("row", EXAMPLES["mann_kendall"])
def test_mann_kendall_matches_the_hand_computation(row: dict[str, Any]) -> None:
    test = mann_kendall(np.array(row["x"], dtype=float))
    assert test.s == row["s"]
    assert test.z == pytest.approx(row["z"], abs=1e-6)
    assert test.p == pytest.approx(row["p"], abs=1e-6)
    assert test.slope == pytest.approx(row["slope"])


def test_serial_correlation_inflates_the_variance() -> None:
    assert ar1_inflation(0.5, 3) == pytest.approx(1.833333, abs=1e-6)
    assert ar1_inflation(0.0, 14) == 1.0
    assert ar1_rho(np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])) == 0.0  # anti-correlated: none
    rng = np.random.default_rng(3)
    noise = np.zeros(4000)
    for k in range(1, noise.size):
        noise[k] = 0.6 * noise[k - 1] + rng.standard_normal()
    trended = noise + 0.05 * np.arange(noise.size)  # a trend leaves the estimate alone
    assert ar1_rho(trended) == pytest.approx(0.6, abs=0.05)


def test_bad_input_is_refused_with_the_field_named() -> None:
    with pytest.raises(AnalyticsError) as raised:
        HeatDays(np.zeros(3, dtype=np.int64), np.zeros(3), np.zeros(2), np.zeros(3),
                 np.zeros(3), np.zeros(3))  # fmt: skip
    assert raised.value.code == "analytics.heat_shape"
    assert raised.value.params == {"field": "calciner_t", "expected": 3, "got": 2}
    with pytest.raises(AnalyticsError, match="need 3 values"):
        mann_kendall(np.array([1.0, 2.0]))


def _drifting(seed: int, tag: str, rate: float = 0.005) -> tuple[HeatDays, int]:
    """60 simulated days, ``tag`` drifting by ``rate`` a day from day 20 on."""
    scenario = parse_scenario(
        {"start": "2025-01-01T00:00:00+08:00", "days": 60, "seed": seed,
         "events": [{"kind": "drift", "at": "2025-01-21T00:00:00+08:00", "hours": 40 * 24,
                     "rate_per_day": rate, "tags": [tag]}]},
        "drift",
    )  # fmt: skip
    days = heat_days(Plant(scenario), scenario.start, 60)
    return days, int(days.days_ms[20])


@pytest.mark.parametrize(
    ("tag", "scale"), [("L1.COAL.PC", "calciner"), ("L1.COAL.KH", "kiln_head")]
)
def test_a_half_percent_a_day_drift_is_found_within_three_weeks(tag: str, scale: str) -> None:
    for seed in (1, 2, 3):
        days, onset = _drifting(seed, tag)
        found = heat_drift(days)
        assert len(found) == 1, seed
        assert found[0].scale == scale
        assert onset < found[0].detected_ms <= onset + 21 * DAY
        assert found[0].holding  # still drifting at the end


def test_a_clean_year_raises_nothing() -> None:
    scenario = parse_scenario(
        {"start": "2025-01-01T00:00:00+08:00", "days": 365, "seed": 5, "events": []}, "clean"
    )
    days = heat_days(Plant(scenario), scenario.start, 365)
    assert float(np.nanmedian(specific_heat_kj_per_kg(days))) == pytest.approx(
        3150, rel=0.02
    )  # 3.15 GJ/t
    assert heat_drift(days) == []


def test_stopped_days_are_not_judged() -> None:
    days, _ = _drifting(1, "L1.COAL.PC", rate=0.0)
    stopped = HeatDays(
        days.days_ms, days.kiln_head_t, days.calciner_t, days.ncv_gj_per_t,
        np.where(np.arange(60) % 5 == 0, 100.0, days.clinker_t), days.other_heat_gj,
    )  # fmt: skip
    assert int(stopped.running().sum()) == 48
    assert heat_drift(stopped) == []
    assert timedelta(milliseconds=int(days.days_ms[1] - days.days_ms[0])) == timedelta(days=1)
