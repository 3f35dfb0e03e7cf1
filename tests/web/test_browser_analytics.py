"""The data-analysis page in headless Chromium: its four charts draw (marker ``browser``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tanji.emissions.analysis import outlook
from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.samples import ts_ms
from tests.emissions.analysis.factories import daily_history, demo_line
from tests.tenancy.factories import member
from tests.web.test_browser import CHART_DATA, chromium, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["chromium", "page"]  # the fixtures, shared with the other browser tests
CHARTS = ("forecast-chart", "ranking-chart", "anomaly-chart", "levers-chart")


def test_analytics_page_draws_forecast_ranking_anomalies_and_levers(page: Page) -> None:
    now = ts_ms(datetime.now(UTC))
    today = now - (now + 8 * 3_600_000) % DAY_MS
    line = demo_line()
    daily_history(line, today - 30 * DAY_MS, 30)
    sign_in(page, member(RoleChoices.VIEWER, line.enterprise).username)
    page.goto("/analytics/")
    expect(page.locator("h1")).to_have_text("数据分析")
    expect(page.locator("#layer-nav")).to_contain_text("数据分析")
    for chart in CHARTS:
        expect(page.locator(f"#{chart} canvas")).to_be_attached()
    _, day, year_end = outlook.year_bounds(datetime.now(UTC))
    horizon = (year_end - day) // DAY_MS
    forecast = page.evaluate(CHART_DATA, "forecast-chart")
    assert [len(series) for series in forecast] == [30, horizon, horizon, horizon]
    waterfall = page.evaluate(CHART_DATA, "levers-chart")
    assert len(waterfall[1]) == 6  # baseline, four levers, what remains
    expect(page.locator("#intensity-warning")).not_to_be_empty()
