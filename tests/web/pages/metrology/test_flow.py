"""Browser flow (Playwright, headless system Chromium) through the metrology pages.

A metering engineer places a new belt scale on the diagram, links it to a tag and uploads its
certificate; the next due date is computed and, once it has passed, the tag's data is marked
overdue; a reviewer returns the annual ledger with a finding and the enterprise answers it.
ORM work happens before and after the browser session (Playwright's loop owns the thread).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tanji.metrology import queries
from tanji.metrology.calibration import add_months
from tanji.metrology.models import PersonnelDocument, Review
from tanji.tenancy.actor import Actor
from tests.components import CHROMIUM_ARGS
from tests.metrology.factories import MINIMAL_PDF, StandardFactory, qualify_reviewer
from tests.plant.factories import EdgeFactory, TagFactory
from tests.tenancy.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cookie(user: Any, url: str) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }


def _qualified(e: Any) -> Any:
    staff = member("metering_staff", e)
    start = timezone.localdate() - timedelta(days=30)
    PersonnelDocument.objects.create(
        enterprise=e, person=staff, kind="appointment", title="a", issued_on=start
    )
    for scope in ("ledger", "calibration"):
        PersonnelDocument.objects.create(
            enterprise=e,
            person=staff,
            kind="qualification",
            title=scope,
            scope=scope,
            issued_on=start,
        )
    return staff


def test_engineer_and_reviewer_flow(live_server: Any, chromium_executable: str) -> None:
    from playwright.sync_api import sync_playwright

    edge = EdgeFactory()
    e = edge.enterprise
    tag = TagFactory(enterprise=e, line=None, source=None, code="BS-NEW-RATE")
    standard = StandardFactory(body__enterprise=e, enterprise=e)
    staff = _qualified(e)
    reviewer = qualify_reviewer(member("metrology_reviewer", e), e.province)
    base = live_server.url
    cookies = {"staff": _cookie(staff, base), "reviewer": _cookie(reviewer, base)}
    today = timezone.localdate()
    due = add_months(today, 12)  # JJG 195: belt scales at most every 12 months (standards §8)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        engineer = browser.new_context(locale="zh-CN")
        engineer.add_cookies([cookies["staff"]])  # type: ignore[list-item]
        page = engineer.new_page()
        page.goto(f"{base}/metrology/diagram/")
        form = page.locator("#place-form")
        for name, value in (
            ("code", "BS-NEW"),
            ("name_zh", "新皮带秤"),
            ("accuracy_class", "0.5"),
            ("range_max", "300"),
            ("range_unit", "t/h"),
            ("installed_on", today.isoformat()),
        ):
            form.locator(f"[name={name}]").fill(value)
        form.locator("[name=instrument_type]").select_option("belt_scale")
        form.locator("[name=edge]").select_option(str(edge.pk))
        form.locator("[name=tag]").select_option(str(tag.pk))
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#diagram-chart canvas")
        page.goto(f"{base}/metrology/calibration/")
        cert = page.locator("#certificate-form")
        cert.locator("[name=instrument]").select_option(label="BS-NEW 新皮带秤")
        assert cert.locator("[name=form]").get_attribute("value") == "certificate"
        for name, value in (
            ("number", "JD-2025-9"),
            ("calibrated_on", today.isoformat()),
            ("method", "JJG 195-2019"),
            ("expanded_u", "0.2"),
            ("coverage_k", "2"),
        ):  # next_due_on left empty: the platform computes it
            cert.locator(f"[name={name}]").fill(value)
        cert.locator("[name=body]").select_option(str(standard.body_id))
        cert.locator("[name=standard]").select_option(str(standard.pk))
        cert.locator("[name=file]").set_input_files(
            {"name": "JD-2025-9.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
        )
        cert.locator("button[type=submit]").click()
        assert "JD-2025-9" in page.inner_text("#certificates")
        assert due.isoformat() in page.inner_text("#states")
        day_before = (due - timedelta(days=1)).isoformat()
        page.goto(f"{base}/metrology/calibration/?at={day_before}")
        assert page.locator("#mark-BS-NEW-RATE .state-ok").count() == 1
        page.locator("#as-of-at").fill(due.isoformat())  # the due date passes
        page.locator("#as-of button").click()
        mark = page.locator("#mark-BS-NEW-RATE")
        assert mark.locator(".state-overdue").count() == 1
        assert mark.locator(".mark").inner_text() == "计量器具检定/校准过期"
        page.goto(f"{base}/metrology/ledger/")
        page.locator("#ledger-submit [name=year]").fill(str(today.year))
        page.locator("#ledger-submit button").click()
        assert "ledger update" in page.inner_text("#reviews")
        desk = browser.new_context(locale="zh-CN")
        desk.add_cookies([cookies["reviewer"]])  # type: ignore[list-item]
        review_page = desk.new_page()
        review_page.goto(f"{base}/metrology/reviews/")
        review_page.locator("#reviews a").first.click()
        review_page.locator("[name=clause]").fill("GB 17167-2006 4.3.2")
        review_page.locator("[name=finding]").fill("进厂原煤未配备计量器具")
        review_page.locator("button[value=return]").click()
        assert "进厂原煤" in review_page.inner_text("#findings")
        page.goto(review_page.url)
        page.locator("#findings textarea").fill("已采购汽车衡，2026年3月安装")
        page.locator("button[value=respond]").click()
        assert "已采购汽车衡" in page.inner_text("#findings")
        browser.close()
    actor = Actor.system()
    scale = queries.instruments(actor).get(code="BS-NEW")
    assert list(scale.tags.all()) == [tag]
    status = queries.tag_metrology_status(actor, [tag.pk], due - timedelta(days=1))
    assert status[tag.pk].state == "ok"
    status = queries.tag_metrology_status(actor, [tag.pk], due)
    assert status[tag.pk].state == "overdue"
    review = Review.objects.get(enterprise=e)
    assert review.state == "responded"
    assert review.findings.get().response.startswith("已采购汽车衡")
