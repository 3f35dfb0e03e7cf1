import numpy as np
import pytest

from tanji.analytics.errors import AnalyticsError
from tanji.analytics.forecast import backtest


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
