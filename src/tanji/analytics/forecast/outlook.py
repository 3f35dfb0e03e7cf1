"""Year-end projection and early warning (趋势预测预警) against a quota or intensity benchmark.

The projection is what has been emitted so far plus the forecast of the remaining days; its
uncertainty is the forecast's for the sum of those days. The warning level follows the
probability that the target is exceeded: ``exceed`` when the central projection is above it,
``watch`` when only the upper bound of the interval is, ``ok`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

from tanji.analytics.errors import AnalyticsError
from tanji.analytics.forecast.models import DailyForecast


class WarningLevel(StrEnum):
    """How close the projection runs to the target."""

    OK = "ok"
    WATCH = "watch"
    EXCEED = "exceed"


@dataclass(frozen=True)
class Projection:
    """A period total projected from the actuals and a forecast of the remaining days.

    Attributes:
        actual: what the period holds so far.
        mean: actual plus the forecast sum.
        lower: lower bound at the forecast's coverage.
        upper: upper bound.
        target: the quota or target compared with (None: no warning).
        probability: probability that the period total exceeds the target.
        level: the warning level.
    """

    actual: float
    mean: float
    lower: float
    upper: float
    target: float | None
    probability: float | None
    level: WarningLevel


def project(actual: float, forecast: DailyForecast, target: float | None = None) -> Projection:
    """Project the period total (actual + all forecast days) and judge it against ``target``."""
    future, sd = forecast.block(0, forecast.mean.size - 1)
    mean = actual + future
    lower, upper = mean - forecast.z * sd, mean + forecast.z * sd
    if target is None:
        return Projection(actual, mean, lower, upper, None, None, WarningLevel.OK)
    if target <= 0:
        raise AnalyticsError(
            "analytics.bad_target", "target: expected a positive total, got {target}", target=target
        )
    probability = 1.0 - NormalDist(mean, sd).cdf(target) if sd > 0 else float(mean > target)
    level = (
        WarningLevel.EXCEED
        if mean > target
        else WarningLevel.WATCH
        if upper > target
        else WarningLevel.OK
    )
    return Projection(actual, mean, lower, upper, target, probability, level)


def project_intensity(
    co2_actual_t: float,
    clinker_actual_t: float,
    co2: DailyForecast,
    clinker: DailyForecast,
    benchmark: float | None = None,
) -> Projection:
    """Projected period intensity (t CO2/t clinker) against an intensity benchmark.

    The interval is the CO2 projection's interval over the central clinker projection: clinker
    output is planned and metered far more tightly than its emissions vary.
    """
    emitted = project(co2_actual_t, co2)
    produced = project(clinker_actual_t, clinker)
    if produced.mean <= 0:
        raise AnalyticsError(
            "analytics.no_production", "no clinker produced or planned in the period"
        )
    scale = 1.0 / produced.mean
    mean, lower, upper = emitted.mean * scale, emitted.lower * scale, emitted.upper * scale
    actual = co2_actual_t / clinker_actual_t if clinker_actual_t > 0 else 0.0
    if benchmark is None:
        return Projection(actual, mean, lower, upper, None, None, WarningLevel.OK)
    _, sd = co2.block(0, co2.mean.size - 1)
    sd_intensity = sd * scale
    probability = (
        1.0 - NormalDist(mean, sd_intensity).cdf(benchmark)
        if sd_intensity > 0
        else float(mean > benchmark)
    )
    level = (
        WarningLevel.EXCEED
        if mean > benchmark
        else WarningLevel.WATCH
        if upper > benchmark
        else WarningLevel.OK
    )
    return Projection(actual, mean, lower, upper, benchmark, probability, level)
