"""Browser flow (Playwright, headless system Chromium) through the reviewer-qualification pages.

A platform operator files a reviewer's qualification through the form (Chinese page), finds it
valid in the list, ends it on its detail page and sees it expired; the reviewer then finds the
same page in English with only his own papers. ORM work happens before and after the browser
session (Playwright's loop owns the thread).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tanji.metrology.models import ReviewerQualification
from tests.components import CHROMIUM_ARGS
from tests.tenancy.factories import EnterpriseFactory, member
from tests.web.pages.metrology.test_flow import _cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LIST = "/metrology/records/reviewer-qualifications/"


def test_operator_files_and_ends_a_reviewer_qualification(
    live_server: Any, chromium_executable: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    e = EnterpriseFactory()
    reviewer = member("metrology_reviewer", e)
    operator = member("platform_operator")
    base = live_server.url
    today = timezone.localdate()
    cookies = {"operator": _cookie(operator, base), "reviewer": _cookie(reviewer, base)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        desk = browser.new_context(locale="zh-CN", base_url=base)
        desk.add_cookies([cookies["operator"]])  # type: ignore[list-item]
        page = desk.new_page()
        page.goto(LIST)
        expect(page.locator("h1")).to_contain_text("审查员资格")
        page.click("#create-link")
        form = page.locator("#object-form")
        form.locator("[name=province]").select_option(str(e.province_id))
        form.locator("[name=person]").select_option(str(reviewer.pk))
        form.locator("[name=number]").fill("鄂审-2026-001")
        form.locator("[name=issued_on]").fill((today - timedelta(days=10)).isoformat())
        form.locator("[name=valid_until]").fill((today + timedelta(days=720)).isoformat())
        form.locator("button[type=submit]").click()
        expect(page.locator("#object-fields")).to_contain_text("鄂审-2026-001")
        page.click("#expire-button")
        expect(page.locator("#object-fields")).to_contain_text("已过期")
        expect(page.locator("#expire-button")).to_have_count(0)
        page.goto(LIST)
        expect(page.locator("#object-table")).to_contain_text("已过期")
        english = browser.new_context(locale="en-US", base_url=base)
        english.add_cookies([cookies["reviewer"]])  # type: ignore[list-item]
        own = english.new_page()
        own.goto(LIST)
        expect(own.locator("h1")).to_contain_text("Reviewer qualifications")
        expect(own.locator("#object-table")).to_contain_text("expired")
        expect(own.locator("#create-link")).to_have_count(0)
        browser.close()
    row = ReviewerQualification.objects.get(number="鄂审-2026-001")
    assert row.valid_until == today - timedelta(days=1)
