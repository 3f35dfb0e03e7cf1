from datetime import timedelta

import numpy as np
import pytest

from tanji.analytics.errors import AnalyticsError
from tanji.analytics.forecast import backtest
from tanji.simulator import Plant, load_scenario


def test_backtest_reports_mape_and_coverage_of_a_known_series() -> None:
    rng = np.random.default_rng(2)
    y = 4000.0 + rng.normal(0.0, 40.0, 120)  # white noise of 1 %
    result = backtest(y, horizon=7, min_train=30, step=3)
    assert result.origins == len(range(30, 114, 3))
    assert result.mape == pytest.approx(100 * 40.0 * np.sqrt(2 / np.pi) / 4000.0, rel=0.25)
    assert result.coverage == pytest.approx(0.9, abs=0.07)


def test_backtest_needs_enough_history() -> None:
    with pytest.raises(AnalyticsError) as error:
        backtest(np.ones(20), horizon=10, min_train=14)
    assert error.value.params == {"minimum": 24, "count": 20}


def test_backtest_on_the_simulated_line_is_within_a_few_percent() -> None:
    """Daily direct CO2 of 60 simulated days of steady operation (the plant's ground truth)."""
    scenario = load_scenario("normal-month")
    truth = Plant(scenario).ground_truth(scenario.start, scenario.start + timedelta(days=60))
    daily = truth.fossil_co2_t.reshape(-1, 24).sum(axis=1)
    result = backtest(daily, horizon=7, min_train=21, step=2)
    assert 4000 < daily.mean() < 4500  # ≈ 208 t/h clinker × 0.85 t/t × 24 h
    assert result.mape < 2.0
    assert result.coverage >= 0.8
