"""Rolling-origin backtest: how far off a method's forecasts were on history it did not see.

For each origin from ``min_train`` days on, the method is fitted on the days before the origin
and forecasts ``horizon`` days; the mean absolute percentage error (MAPE) is taken over every
forecast day with a non-zero actual, and the interval coverage is the share of actuals inside
the prediction intervals (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*,
§5.10 time-series cross-validation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tanji.analytics.errors import AnalyticsError
from tanji.analytics.forecast.models import FloatArray, level_forecast


@dataclass(frozen=True)
class Backtest:
    """Result of a rolling-origin backtest."""

    origins: int
    horizon: int
    mape: float
    coverage: float


def backtest(
    history: FloatArray, horizon: int, min_train: int = 14, step: int = 1, coverage: float = 0.9
) -> Backtest:
    """Rolling-origin backtest of :func:`~tanji.analytics.forecast.models.level_forecast`."""
    history = np.asarray(history, dtype=np.float64)
    last = history.size - horizon
    if last < min_train:
        raise AnalyticsError(
            "analytics.short_history",
            "history: expected at least {minimum} finite daily values, got {count}",
            minimum=min_train + horizon,
            count=history.size,
        )
    errors: list[float] = []
    inside: list[bool] = []
    origins = range(min_train, last + 1, step)
    for origin in origins:
        forecast = level_forecast(history[:origin], horizon, coverage)
        actual = history[origin : origin + horizon]
        lower, upper = forecast.interval()
        nonzero = actual != 0
        errors += np.abs((actual[nonzero] - forecast.mean[nonzero]) / actual[nonzero]).tolist()
        inside += ((actual >= lower) & (actual <= upper)).tolist()
    return Backtest(len(origins), horizon, 100.0 * float(np.mean(errors)), float(np.mean(inside)))
