"""Trend forecasting and early warning: daily forecasts, period projections, backtests."""

from __future__ import annotations

from tanji.analytics.forecast.backtest import Backtest, backtest
from tanji.analytics.forecast.models import DailyForecast, level_forecast, plan_forecast
from tanji.analytics.forecast.outlook import Projection, WarningLevel, project, project_intensity

__all__ = [
    "Backtest",
    "DailyForecast",
    "Projection",
    "WarningLevel",
    "backtest",
    "level_forecast",
    "plan_forecast",
    "project",
    "project_intensity",
]
