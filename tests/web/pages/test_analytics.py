"""The data-analysis page: each role sees its own scope; charts are built as data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from tanji.analytics.levers import Lever
from tanji.emissions.analysis.meters import Finding
from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.samples import ts_ms
from tanji.web.pages.analytics import charts
from tests.emissions.analysis.factories import History, daily_history, demo_line
from tests.tenancy.factories import ProvinceFactory, member

pytestmark = pytest.mark.django_db


def _today_ms() -> int:
    now = ts_ms(datetime.now(UTC))
    return now - (now + 8 * 3_600_000) % DAY_MS


@pytest.fixture
def two_lines() -> tuple[History, History]:
    province = ProvinceFactory()
    first = _today_ms() - 40 * DAY_MS
    return (
        daily_history(demo_line(province), first, 40, intensity=0.83),
        daily_history(demo_line(province), first, 40, intensity=0.88, seed=3),
    )


def _page(user: object, **query: object) -> tuple[str, dict[str, object]]:
    client = Client()
    client.force_login(user)
    response = client.get("/analytics/", query)
    assert response.status_code == 200
    return response.content.decode(), response.context


def test_enterprise_user_sees_its_outlook_ranking_and_levers(
    two_lines: tuple[History, History],
) -> None:
    own, other = two_lines
    html, context = _page(member(RoleChoices.VIEWER, own.line.enterprise))
    assert 'id="forecast-chart"' in html
    assert 'id="levers-chart"' in html
    assert [p.line_id for p in context["ranking"].peers] == [own.line.pk]
    assert str(other.line.enterprise) not in html
    assert "数据分析" in html


def test_quota_warning_and_months(two_lines: tuple[History, History]) -> None:
    own, _ = two_lines
    html, context = _page(member(RoleChoices.VIEWER, own.line.enterprise), quota="1000")
    assert context["outlook"].year.level == "exceed"
    assert 'id="quota-warning">预计超过目标<' in html
    assert len(context["months"]) >= 2  # the month(s) of history and the rest of the year
    assert 'id="month-table"' in html
    _, context = _page(member(RoleChoices.VIEWER, own.line.enterprise), quota="many")
    assert context["quota"] is None


def test_regulator_ranks_the_province(two_lines: tuple[History, History]) -> None:
    own, other = two_lines
    regulator = member(RoleChoices.REGULATOR, own.line.enterprise)
    html, context = _page(regulator, enterprise=other.line.enterprise_id)
    assert [p.line_id for p in context["ranking"].peers] == [own.line.pk, other.line.pk]
    assert context["enterprise"] == other.line.enterprise
    assert "[R]" in html  # the NDRC benchmark is marked as recalled


def test_thin_history_shows_the_translated_reason() -> None:
    line = demo_line()
    daily_history(line, _today_ms() - 3 * DAY_MS, 3)
    html, context = _page(member(RoleChoices.VIEWER, line.enterprise))
    assert context["outlook"] is None
    assert "历史数据不足：至少需要 7 个日值，现有 3 个。" in html


def test_charts_are_option_dicts() -> None:
    start = ts_ms(datetime(2025, 6, 1, tzinfo=UTC))
    finding = Finding(1, "L1-CEMS-O2", "stuck", start, start + 3_600_000, 60.0, "value 8.5")
    timeline = charts.anomaly_timeline([finding], {"stuck": "Stuck", "gap": "Gap"})
    assert timeline["series"][0]["data"] == [[start, "L1-CEMS-O2", 60.0]]
    assert timeline["series"][1]["data"] == []
    levers = [
        Lever("heat", 300.0, 20.0, 100.0, "kgce/t", "c"),
        Lever("biomass", 200.0, 5.0, 0.1, "1", "c"),
    ]
    waterfall = charts.lever_waterfall(1000.0, levers, {"heat": "Heat"})
    assert waterfall["xAxis"]["data"][1:3] == ["Heat", "biomass"]
    assert waterfall["series"][0]["data"] == [0.0, 700.0, 500.0, 0.0]
    assert waterfall["series"][1]["data"] == [1000.0, 300.0, 200.0, 500.0]
    assert waterfall["yAxis"]["min"] == 450.0  # two digits below 0.9 × what remains
    json.dumps(waterfall)
