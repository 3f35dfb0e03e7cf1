"""Daily forecasts with intervals: a local level (exponential smoothing) or a plan regression.

Simple exponential smoothing is the ETS(A,N,N) model of Hyndman et al., *Forecasting with
Exponential Smoothing* (2008), §6.1: y_t = ℓ_{t−1} + ε_t, ℓ_t = ℓ_{t−1} + α ε_t. Its h-step
forecast is flat at ℓ_T with variance σ²(1 + (h − 1)α²); the sum of days a..b has variance
σ² Σ_j c_j², c_j = [a ≤ j ≤ b] + α·#{h ∈ [a, b] : h > j} (each future error enters every later
day through the level). The regression y = β₀ + β₁x on the planned clinker output is ordinary
least squares with the classical prediction variance σ²(1 + x₀ᵀ(XᵀX)⁻¹x₀), summed as
σ²(H + 1ᵀX₀(XᵀX)⁻¹X₀ᵀ1). Intervals are normal (``statistics.NormalDist``). ADR 0201 gives the
reasons for the choice.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from tanji.analytics.errors import AnalyticsError

FloatArray = npt.NDArray[np.float64]
#: Smoothing parameters tried; the one with the least one-step squared error wins.
ALPHAS = np.linspace(0.02, 0.98, 49)
MIN_HISTORY = 7


@dataclass(frozen=True)
class DailyForecast:
    """Forecast of the next ``horizon`` days.

    Attributes:
        method: ``level`` (exponential smoothing) or ``plan`` (regression on the plan).
        mean: expected value per day.
        sd: standard deviation of each day's forecast error.
        coverage: nominal coverage of :meth:`interval`.
        parameters: α and σ (level) or β₀, β₁ and σ (plan).
    """

    method: str
    mean: FloatArray
    sd: FloatArray
    coverage: float
    parameters: dict[str, float]
    block_variance: Callable[[int, int], float]

    @property
    def z(self) -> float:
        """Normal quantile of the two-sided interval."""
        return NormalDist().inv_cdf(0.5 + self.coverage / 2.0)

    def interval(self) -> tuple[FloatArray, FloatArray]:
        """Lower and upper bounds per day."""
        return self.mean - self.z * self.sd, self.mean + self.z * self.sd

    def block(self, first: int, last: int) -> tuple[float, float]:
        """Mean and standard deviation of the sum of days ``first..last`` (0-based, inclusive)."""
        total = float(self.mean[first : last + 1].sum())
        return total, math.sqrt(max(self.block_variance(first, last), 0.0))


def _check(history: FloatArray, horizon: int, coverage: float) -> None:
    if history.ndim != 1 or history.size < MIN_HISTORY or not np.all(np.isfinite(history)):
        raise AnalyticsError(
            "analytics.short_history",
            "history: expected at least {minimum} finite daily values, got {count}",
            minimum=MIN_HISTORY,
            count=int(np.isfinite(history).sum()) if history.ndim == 1 else 0,
        )
    if horizon < 1:
        raise AnalyticsError(
            "analytics.bad_horizon", "horizon: expected at least 1 day, got {h}", h=horizon
        )
    if not 0.0 < coverage < 1.0:
        raise AnalyticsError(
            "analytics.bad_coverage", "coverage: expected a fraction in (0, 1), got {c}", c=coverage
        )


def _smooth(history: FloatArray, alpha: float) -> tuple[float, FloatArray]:
    """Final level and one-step errors of simple exponential smoothing (level starts at y₀)."""
    level = float(history[0])
    errors = np.empty(history.size - 1)
    for i, value in enumerate(history[1:].tolist()):
        errors[i] = value - level
        level += alpha * errors[i]
    return level, errors


def _squared_errors(history: FloatArray, alphas: FloatArray) -> FloatArray:
    """Sum of squared one-step errors for every α at once (the first two skipped: warm-up)."""
    level = np.full(alphas.size, float(history[0]))
    total = np.zeros(alphas.size)
    for i, value in enumerate(history[1:].tolist()):
        error = value - level
        if i >= 2:
            total += error * error
        level = level + alphas * error
    return total


def level_forecast(history: FloatArray, horizon: int, coverage: float = 0.9) -> DailyForecast:
    """ETS(A,N,N) forecast of ``horizon`` days; α by least one-step squared error."""
    history = np.asarray(history, dtype=np.float64)
    _check(history, horizon, coverage)
    best = float(ALPHAS[int(np.argmin(_squared_errors(history, ALPHAS)))])
    level, errors = _smooth(history, best)
    sigma = float(np.sqrt(np.mean(errors[2:] ** 2)))
    steps = np.arange(horizon, dtype=np.float64)
    sd = sigma * np.sqrt(1.0 + steps * best * best)
    return DailyForecast(
        "level",
        np.full(horizon, level),
        sd,
        coverage,
        {"alpha": best, "sigma": sigma},
        lambda a, b: _level_block_variance(a, b, best, sigma),
    )


def _level_block_variance(first: int, last: int, alpha: float, sigma: float) -> float:
    """Variance of the sum of days first..last (0-based) under ETS(A,N,N).

    Errors before ``first`` enter each of the n = last − first + 1 days through the level
    (coefficient αn); the error k days into the block enters its own day and, through the
    level, the n − 1 − k days after it.
    """
    n = last - first + 1
    k = np.arange(n, dtype=np.float64)
    within = float(np.sum((1.0 + alpha * (n - 1 - k)) ** 2))
    return sigma * sigma * (first * (alpha * n) ** 2 + within)


def plan_forecast(
    history: FloatArray, history_plan: FloatArray, plan: FloatArray, coverage: float = 0.9
) -> DailyForecast:
    """OLS forecast y = β₀ + β₁·x from the planned daily clinker output ``plan``."""
    history = np.asarray(history, dtype=np.float64)
    _check(history, len(plan), coverage)
    if history_plan.shape != history.shape:
        raise AnalyticsError(
            "analytics.series_shape",
            "history_plan: expected {n} values like history, got {m}",
            n=history.size,
            m=history_plan.size,
        )
    x = np.column_stack((np.ones(history.size), history_plan))
    beta, *_ = np.linalg.lstsq(x, history, rcond=None)
    residual = history - x @ beta
    sigma = float(np.sqrt(np.sum(residual**2) / max(history.size - 2, 1)))
    x0 = np.column_stack((np.ones(len(plan)), np.asarray(plan, dtype=np.float64)))
    leverage = x0 @ np.linalg.pinv(x.T @ x) @ x0.T
    sd = sigma * np.sqrt(1.0 + np.diag(leverage))
    return DailyForecast(
        "plan",
        x0 @ beta,
        sd,
        coverage,
        {"intercept": float(beta[0]), "slope": float(beta[1]), "sigma": sigma},
        lambda a, b: sigma * sigma * (b - a + 1 + float(leverage[a : b + 1, a : b + 1].sum())),
    )
