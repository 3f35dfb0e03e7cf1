"""End-to-end flows in headless Chromium against the live server (marker ``browser``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tanji.emissions import queries, services
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import User
from tanji.timeseries.samples import ts_ms
from tanji.web.templatetags.tanji import figure
from tests.components import CHROMIUM_ARGS
from tests.emissions.factories import SimulatedLine, feed, record_lab, simulated_line
from tests.tenancy.factories import MembershipFactory
from tests.web.conftest import PASSWORD, WebWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium(chromium_executable: str) -> Iterator[Browser]:
    """One headless Chromium per module.

    Playwright's sync API runs an event loop in this thread, so Django's async-safety check is
    lifted here, for the browser tests only, and restored afterwards.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_executable, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh context (no cookies) on the live server."""
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, username: str) -> None:
    """Fill the sign-in form and wait for the landing page."""
    page.goto("/account/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#sign-in-form button[type=submit]")
    expect(page.locator("#account-link")).to_be_visible()


@pytest.mark.parametrize("role", RoleChoices.values)
def test_each_role_signs_in_and_sees_the_layers(page: Page, web_world: WebWorld, role: str) -> None:
    sign_in(page, web_world.users[role].username)
    page.goto("/overview/")
    expect(page.locator("h1")).to_have_text("总览")
    expect(page.locator("#layer-nav")).to_contain_text("信息管理")
    expect(page.locator("canvas").first).to_be_attached()  # ECharts drew the charts


def test_lab_analyst_imports_a_csv_with_one_bad_row(
    page: Page, web_world: WebWorld, tmp_path: Path
) -> None:
    csv = tmp_path / "lims.csv"
    csv.write_text(
        "sample_id,material,sampled_at,analysed_at,method_standard,ncv_gj_per_t,cao_pct\n"
        "B-1,coal,2025-03-01T08:00,2025-03-01T12:00,GB/T 213,22.4,\n"
        "B-2,coal,2025-03-02T08:00,2025-03-02T12:00,GB/T 213,abc,\n"
        "B-3,raw_meal,2025-03-02T08:00,2025-03-02T12:00,GB/T 176,,43.2\n",
        encoding="utf-8",
    )
    sign_in(page, web_world.users["lab_staff"].username)
    page.goto("/materials/")
    page.click("#import-link")
    page.select_option("#id_enterprise", str(web_world.tenants["A"].enterprise.pk))
    page.set_input_files("#id_file", str(csv))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-created")).to_contain_text("2")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("abc")
    page.goto("/materials/")
    expect(page.locator("#lab-history")).to_contain_text("B-1")
    expect(page.locator("#lab-history")).to_contain_text("B-3")
    expect(page.locator("#lab-history")).not_to_contain_text("B-2")
    kept = plant_queries.lab_analyses(Actor.system()).filter(sample_id__startswith="B-")
    assert sorted(kept.values_list("sample_id", flat=True)) == ["B-1", "B-3"]


def _province_map(page: Page, condition: str) -> Any:
    """What ``condition`` returns of the province map's option ``o``, once it is truthy."""
    handle = page.wait_for_function(
        "() => { const c = echarts.getInstanceByDom(document.getElementById('province-map'));"
        f" const o = c && c.getOption(); return o && {condition}; }}"
    )
    return handle.json_value()


def test_regulator_reaches_every_enterprise(page: Page, web_world: WebWorld) -> None:
    sign_in(page, web_world.users["regulator"].username)
    page.goto("/province/")
    expect(page.locator("#province-map canvas")).to_be_attached()
    regions = _province_map(
        page,
        "o.geo && o.geo.length && echarts.getMap('hubei')"
        " && echarts.getMap('hubei').geoJSON.features.length",
    )
    assert regions == 17  # every prefecture of Hubei outlined
    for name in ("A", "B"):
        enterprise = str(web_world.tenants[name].enterprise)
        page.goto("/province/")
        page.click(f"#province-table >> text={enterprise}")
        expect(page.locator("h1")).to_contain_text(enterprise)
    expect(page.locator("#province-table")).to_have_count(0)


def test_province_map_falls_back_to_a_scatter_without_outlines(
    page: Page, web_world: WebWorld
) -> None:
    page.route("**/hubei.geo.json", lambda route: route.abort())  # the outlines cannot load
    sign_in(page, web_world.users["regulator"].username)
    page.goto("/province/")
    expect(page.locator("#province-map-note")).to_be_visible()
    drawn = _province_map(
        page, "o.xAxis && o.xAxis.length && !o.geo && o.series[0].data.map(d => d.name)"
    )
    names = {str(web_world.tenants[n].enterprise) for n in ("A", "B")}  # the province's two
    assert set(drawn) == names  # every enterprise plotted, by lon/lat
    expect(page.locator("#province-map canvas")).to_be_attached()


def test_enterprise_user_is_refused_another_enterprises_pages(
    page: Page, web_world: WebWorld
) -> None:
    sign_in(page, web_world.users["enterprise_admin"].username)
    other = web_world.tenants["B"].site.pk
    reply = page.goto(f"/info/sites/{other}/")
    assert reply is not None
    assert reply.status == 404
    reply = page.goto("/province/")
    assert reply is not None
    assert reply.status == 403


def test_language_switch(page: Page, web_world: WebWorld) -> None:
    sign_in(page, web_world.users["viewer"].username)
    page.goto("/info/")
    expect(page.locator("h1")).to_have_text("信息管理")
    page.select_option("#language-form select", "en")
    expect(page.locator("h1")).to_have_text("Information management")
    page.select_option("#language-form select", "zh-hans")
    expect(page.locator("h1")).to_have_text("信息管理")


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def live_line() -> SimulatedLine:
    """The simulated line with two finished hours before the current one, figures computed."""
    sim = simulated_line()
    start, end = _hour(datetime.now(UTC)) - timedelta(hours=3), _hour(datetime.now(UTC))
    end -= timedelta(hours=1)
    record_lab(sim, start - timedelta(days=1), end + timedelta(hours=2))
    feed(sim, start, end)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(start), ts_ms(end))
    services.recompute_site(Actor.system(), sim.line.site_id, ts_ms(start), ts_ms(end))
    return sim


def _viewer_of(sim: SimulatedLine) -> User:
    return MembershipFactory(enterprise_id=sim.enterprise_id, role=RoleChoices.VIEWER).user


def test_overview_shows_the_engines_figures(page: Page, live_line: SimulatedLine) -> None:
    viewer = _viewer_of(live_line)
    sign_in(page, viewer.username)
    page.goto("/overview/")
    row = page.locator("#live-emissions tbody tr", has_text=str(live_line.line.enterprise)).first
    cells = row.locator("td")
    summary = queries.summary(Actor.for_user(viewer), live_line.enterprise_id)
    expected = [p.boundaries[b] for p in summary.periods for b in ("clinker", "enterprise")]
    assert [p.period for p in summary.periods] == ["today", "month", "ytd"]
    assert expected[-1].co2_t > 0  # the year holds the fed hours whenever the test runs
    for column, figures in enumerate(expected, start=1):
        text = cells.nth(column).inner_text()
        assert text.startswith(figure(figures.co2_t, "t CO2", figures.u_t, 5, True))
        assert float(text.split()[0]) == pytest.approx(figures.co2_t, rel=1e-4)


CHART_DATA = """id => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const option = chart && chart.getOption();
  return option && option.series ? option.series.map(s => s.data) : null;
}"""


def test_metering_chart_follows_the_live_feed(page: Page, live_line: SimulatedLine) -> None:
    sign_in(page, _viewer_of(live_line).username)
    page.goto(f"/metering/?enterprise={live_line.enterprise_id}&line={live_line.line.pk}")
    page.wait_for_function(f"() => ({CHART_DATA})('source-live-chart')?.[0]?.length > 0")
    before = page.evaluate(CHART_DATA, "source-live-chart")
    assert [len(data) for data in before] == [2, 2, 2]  # fuel, process, electricity
    hour = _hour(datetime.now(UTC))
    feed(live_line, hour - timedelta(hours=1), hour, listener=services.on_samples_committed)
    page.wait_for_function(
        f"() => ({CHART_DATA})('source-live-chart')?.[0]?.length === 3", timeout=20_000
    )
    after = page.evaluate(CHART_DATA, "source-live-chart")
    assert after[0][:2] == before[0][:2]
    assert after[0][2][0] == ts_ms(hour - timedelta(hours=1))
    assert all(value > 0 for _ts, value in after[0] + after[1])
