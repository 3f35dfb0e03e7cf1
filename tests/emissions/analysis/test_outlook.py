"""The year outlook read from stored totals: history, forecast, projection and warnings."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from tanji.analytics.forecast import WarningLevel
from tanji.emissions.analysis import outlook
from tanji.emissions.analysis.daily import daily
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.validation import NotFound
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.samples import ts_ms
from tests.emissions.analysis.factories import History, daily_history, demo_line
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
#: 2025-09-01T00:00+08:00; the outlook is asked for on 2025-11-01 (61 days of history).
FIRST = ts_ms(datetime(2025, 8, 31, 16, tzinfo=UTC))
AT = datetime(2025, 11, 1, 4, tzinfo=UTC)


@pytest.fixture
def history() -> History:
    return daily_history(demo_line(), FIRST, 61)


def test_daily_reads_totals_and_clinker(history: History) -> None:
    line = history.line
    seen = daily(Actor.system(), line.enterprise_id, line.pk, FIRST, FIRST + 61 * DAY_MS)
    assert seen.co2_t == pytest.approx(history.co2_t)
    assert seen.clinker_t == pytest.approx(history.clinker_t)
    assert set(seen.by_category) == {"fuel", "process", "electricity"}


def test_outlook_projects_the_year_with_a_band_and_monthly_blocks(history: History) -> None:
    line = history.line
    result = outlook.outlook(Actor.system(), line.enterprise_id, line.pk, at=AT)
    year_start, today, year_end = outlook.year_bounds(AT)
    assert len(result.forecast_days) == (year_end - today) // DAY_MS == 61
    in_year = history.days >= year_start
    assert result.year.actual == pytest.approx(history.co2_t[in_year].sum())
    daily_mean = float(np.mean(history.co2_t))
    assert result.year.mean == pytest.approx(result.year.actual + 61 * daily_mean, rel=0.01)
    assert result.year.lower < result.year.mean < result.year.upper
    assert [m.month_ms for m in result.months][-2:] == [
        ts_ms(datetime(2025, 10, 31, 16, tzinfo=UTC)),
        ts_ms(datetime(2025, 11, 30, 16, tzinfo=UTC)),
    ]
    assert sum(m.mean_t for m in result.months) == pytest.approx(result.year.mean)
    assert result.intensity.mean == pytest.approx(0.85, abs=0.01)
    assert result.backtest is not None
    assert 0 < result.backtest.mape < 5


@pytest.mark.parametrize(
    ("target", "level"), [(0.80, WarningLevel.EXCEED), (0.95, WarningLevel.OK)]
)
def test_intensity_warning_against_the_target(
    history: History, target: float, level: WarningLevel
) -> None:
    line = history.line
    result = outlook.outlook(
        Actor.system(), line.enterprise_id, line.pk, at=AT, intensity_target=target
    )
    assert result.intensity.level is level


def test_quota_warning_and_the_plan_method(history: History) -> None:
    line = history.line
    result = outlook.outlook(
        Actor.system(), line.enterprise_id, line.pk, at=AT, quota_t=1.0, plan_t_per_day=5000.0
    )
    assert result.method == "plan"
    assert result.year.level is WarningLevel.EXCEED
    assert result.year.probability == pytest.approx(1.0)


def test_other_tenants_outlook_is_not_found(history: History) -> None:
    stranger = MembershipFactory(enterprise=EnterpriseFactory(), role=RoleChoices.VIEWER).user
    with pytest.raises(NotFound):
        outlook.outlook(Actor.for_user(stranger), history.line.enterprise_id, at=AT)
