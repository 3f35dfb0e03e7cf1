"""Trend forecast and early warning of an enterprise or line for the rest of the year (R8.1).

History is the stored daily CO2 and clinker from the start of the year (at least the last
:data:`MIN_DAYS` days); the remaining days are forecast by exponential smoothing, or by the
regression on the planned clinker output when a plan is given (ADR 0201). The year-end
projection is judged against the quota, the projected intensity against the intensity target
(default: the upper edge of the typical band of standards §10, an engineering estimate [I]).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from tanji.analytics.benchmark import Reference, reference
from tanji.analytics.forecast import (
    Backtest,
    DailyForecast,
    Projection,
    backtest,
    level_forecast,
    plan_forecast,
    project,
    project_intensity,
)
from tanji.emissions.analysis.daily import Daily, daily
from tanji.tenancy.actor import Actor
from tanji.timeseries.rollups import DAY_MS, LOCAL_OFFSET_MS
from tanji.timeseries.samples import ts_ms

#: Days of history before the year's start read when the year is young.
MIN_DAYS = 28
BACKTEST_HORIZON = 7
#: The backtest covers the most recent days only (a page must answer quickly).
BACKTEST_DAYS = 120


@dataclass(frozen=True)
class MonthOutlook:
    """One month of the year: actual so far and the forecast of its remaining days."""

    month_ms: int
    actual_t: float
    mean_t: float
    lower_t: float
    upper_t: float


@dataclass(frozen=True)
class Outlook:
    """The year's outlook of an enterprise or line."""

    enterprise_id: int
    line_id: int | None
    method: str
    coverage: float
    history_days: list[int]
    history_co2_t: list[float]
    forecast_days: list[int]
    forecast_co2_t: list[float]
    forecast_lower_t: list[float]
    forecast_upper_t: list[float]
    months: list[MonthOutlook]
    year: Projection
    intensity: Projection
    intensity_reference: Reference
    backtest: Backtest | None
    parameters: dict[str, float] = field(default_factory=dict)


def year_bounds(at: datetime) -> tuple[int, int, int]:
    """Local year start, today's local day start and the next year's start (UTC epoch ms)."""
    now = ts_ms(at)
    local = datetime.fromtimestamp((now + LOCAL_OFFSET_MS) / 1000, UTC)
    start = ts_ms(datetime(local.year, 1, 1, tzinfo=UTC)) - LOCAL_OFFSET_MS
    end = ts_ms(datetime(local.year + 1, 1, 1, tzinfo=UTC)) - LOCAL_OFFSET_MS
    today = now - (now + LOCAL_OFFSET_MS) % DAY_MS
    return start, today, end


def outlook(
    actor: Actor,
    enterprise_id: int,
    line_id: int | None = None,
    *,
    at: datetime | None = None,
    quota_t: float | None = None,
    intensity_target: float | None = None,
    plan_t_per_day: float | None = None,
    coverage: float = 0.9,
) -> Outlook:
    """Forecast the rest of the year, project it and judge it against quota and target."""
    year_start, today, year_end = year_bounds(at or datetime.now(UTC))
    first = min(year_start, today - MIN_DAYS * DAY_MS)
    seen = _from_first_data(daily(actor, enterprise_id, line_id, first, today))
    horizon = max((year_end - today) // DAY_MS, 1)
    co2, clinker = _forecasts(seen, horizon, coverage, plan_t_per_day)
    in_year = seen.days >= year_start
    year = project(float(seen.co2_t[in_year].sum()), co2, quota_t)
    ref = reference("co2_clinker.typical")
    target = intensity_target if intensity_target is not None else ref.high
    intensity = project_intensity(
        float(seen.co2_t[in_year].sum()), float(seen.clinker_t[in_year].sum()), co2, clinker, target
    )
    days = today + DAY_MS * np.arange(horizon, dtype=np.int64)
    lower, upper = co2.interval()
    tested = (
        backtest(seen.co2_t[-BACKTEST_DAYS:], BACKTEST_HORIZON, MIN_DAYS // 2, coverage=coverage)
        if seen.days.size >= MIN_DAYS // 2 + BACKTEST_HORIZON and co2.method == "level"
        else None
    )
    return Outlook(
        enterprise_id, line_id, co2.method, coverage,
        seen.days.tolist(), seen.co2_t.tolist(),
        days.tolist(), co2.mean.tolist(), lower.tolist(), upper.tolist(),
        _months(seen, co2, days, year_start), year, intensity, ref, tested, co2.parameters,
    )  # fmt: skip


def _from_first_data(seen: Daily) -> Daily:
    """The days from the first with stored CO2: earlier days were never computed.

    Clinker counted before the first computed day is left out too, so the intensity pairs
    CO2 and clinker of the same days.
    """
    stored = np.flatnonzero(seen.co2_t > 0)
    start = int(stored[0]) if stored.size else seen.days.size
    return Daily(
        seen.days[start:],
        seen.co2_t[start:],
        seen.clinker_t[start:],
        {k: v[start:] for k, v in seen.by_category.items()},
    )


def _forecasts(
    seen: Daily, horizon: int, coverage: float, plan_t_per_day: float | None
) -> tuple[DailyForecast, DailyForecast]:
    """CO2 and clinker forecasts: smoothing, or the regression on a flat daily plan."""
    if plan_t_per_day is None:
        return (
            level_forecast(seen.co2_t, horizon, coverage),
            level_forecast(seen.clinker_t, horizon, coverage),
        )
    plan = np.full(horizon, plan_t_per_day)
    co2 = plan_forecast(seen.co2_t, seen.clinker_t, plan, coverage)
    return co2, plan_forecast(seen.clinker_t, seen.clinker_t, plan, coverage)


def _local_month(ms: np.ndarray) -> np.ndarray:
    """Beijing-local calendar month of epoch-ms times."""
    return np.asarray(ms + LOCAL_OFFSET_MS).astype("datetime64[ms]").astype("datetime64[M]")


def _months(
    seen: Daily, co2: DailyForecast, days: np.ndarray, year_start: int
) -> list[MonthOutlook]:
    """Each month of the year: actuals plus the forecast block of its remaining days."""
    past_month = _local_month(seen.days)
    future_month = _local_month(days)
    months = np.unique(np.concatenate((past_month[seen.days >= year_start], future_month)))
    result = []
    for month in months:
        actual = float(seen.co2_t[(past_month == month) & (seen.days >= year_start)].sum())
        ahead = np.flatnonzero(future_month == month)
        mean = sd = 0.0
        if ahead.size:
            mean, sd = co2.block(int(ahead[0]), int(ahead[-1]))
        start = int(month.astype("datetime64[ms]").astype(np.int64)) - LOCAL_OFFSET_MS
        result.append(
            MonthOutlook(start, actual, actual + mean, actual + mean - co2.z * sd,
                         actual + mean + co2.z * sd)
        )  # fmt: skip
    return result
