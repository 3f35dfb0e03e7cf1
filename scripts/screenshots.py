"""Regenerate docs/screenshots/*.png: every page on the demo data, in headless Chromium.

Builds the demo data set in a throw-away data directory, gives the accounts it signs in with a
random password for this run only, serves the platform with ``runserver`` on loopback and lets
Playwright drive the system Chromium (``/usr/bin/chromium``) through each page.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
BAD_CSV = (
    "sample_id,material,sampled_at,analysed_at,method_standard,ncv_gj_per_t,ncv_gj_per_t_u\n"
    "SHOT-1,coal,2025-06-01T08:00,2025-06-01T11:00,GB/T 213,22.6,0.12\n"
    "SHOT-2,coal,2025-06-02T08:00,2025-06-02T11:00,GB/T 213,22.x,0.12\n"
)

#: (file name, user, path); ``{…}`` filled from the demo data.
SHOTS = (
    ("01-home", None, "/"),
    ("02-sign-in", None, "/account/sign-in/"),
    ("03-overview", "chujiang.admin", "/overview/"),
    ("04-metering", "chujiang.metering", "/metering/"),
    ("05-materials", "chujiang.lab", "/materials/"),
    ("06-materials-entry", "chujiang.lab", "/materials/new/"),
    ("08-reports-form", "chujiang.viewer", "/reports/"),
    ("10-province", "hubei.regulator", "/province/"),
    ("11-province-enterprise", "hubei.regulator", "/province/enterprises/{enterprise}/"),
    ("12-info", "chujiang.admin", "/info/"),
    ("13-enterprises", "chujiang.admin", "/info/enterprises/"),
    ("14-sites", "chujiang.admin", "/info/sites/"),
    ("15-lines", "chujiang.admin", "/info/lines/"),
    ("16-sources", "chujiang.admin", "/info/sources/"),
    ("17-tags", "chujiang.admin", "/info/tags/"),
    ("18-tag-detail", "chujiang.admin", "/info/tags/{tag}/"),
    ("19-tag-edit", "chujiang.admin", "/info/tags/{tag}/edit/"),
    ("20-instruments", "chujiang.admin", "/info/instruments/"),
    ("21-users", "chujiang.admin", "/info/users/"),
    ("22-audit", "chujiang.admin", "/info/audit/"),
    ("23-account", "chujiang.admin", "/account/"),
    ("30-metrology-diagram", "chujiang.metering", "/metrology/diagram/"),
    ("31-metrology-ledger", "chujiang.metering", "/metrology/ledger/"),
    ("32-metrology-calibration", "chujiang.metering", "/metrology/calibration/"),
    ("33-metrology-personnel", "chujiang.admin", "/metrology/records/personnel/"),
    ("34-metrology-reviews", "hubei.metrology", "/metrology/reviews/"),
    ("35-metrology-plans", "chujiang.metering", "/metrology/records/plans/"),
    ("36-metrology-qc", "chujiang.metering", "/metrology/records/qc/"),
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(password: str) -> dict[str, int]:
    """Migrate, build the demo, set this run's password; return ids the URLs need."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tanji.demo.builder import build_demo
    from tanji.plant import queries
    from tanji.tenancy import queries as tenancy_queries, services
    from tanji.tenancy.actor import Actor

    build_demo()
    system = Actor.system()
    for user in tenancy_queries.users(system):
        services.set_password(system, user.pk, password)
    chujiang = tenancy_queries.enterprises(system).get(memberships__user__username="chujiang.admin")
    return {
        "enterprise": chujiang.pk,
        "tag": queries.tags(system).filter(enterprise=chujiang).order_by("code").first().pk,
    }


def _serve(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tanji", "manage", "runserver", f"127.0.0.1:{port}",
         "--noreload", "--insecure"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def _shoot(base: str, password: str, ids: dict[str, int], work: Path) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    csv = work / "lims.csv"
    csv.write_text(BAD_CSV, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        contexts: dict[str | None, object] = {}
        for name, user, path in SHOTS:
            page = _page(browser, contexts, base, user, password)
            page.goto(base + path.format(**ids))
            _save(page, name)
        page = _page(browser, contexts, base, "chujiang.lab", password)
        page.goto(base + "/materials/import/")
        page.select_option("#id_enterprise", str(ids["enterprise"]))
        page.set_input_files("#id_file", str(csv))
        page.click("#import-form button[type=submit]")
        _save(page, "07-materials-import-report")
        page = _page(browser, contexts, base, "chujiang.viewer", password)
        page.goto(base + "/reports/")
        page.set_input_files("#id_file", str(ROOT / "examples" / "activity-2025-03.yaml"))
        page.click("#activity-form button[type=submit]")
        _save(page, "09-reports-period")
        browser.close()


def _page(browser, contexts, base, user, password):  # type: ignore[no-untyped-def]
    if user not in contexts:
        context = browser.new_context(viewport={"width": 1360, "height": 860}, locale="zh-CN")
        page = context.new_page()
        if user is not None:
            page.goto(base + "/account/sign-in/")
            page.fill("#id_username", user)
            page.fill("#id_password", password)
            page.click("#sign-in-form button[type=submit]")
            page.wait_for_selector("#account-link")
        contexts[user] = page
    return contexts[user]


def _save(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1200)  # ECharts' entry animation
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(f"docs/screenshots/{name}.png")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="tanji-screenshots-"))
    os.environ.update(
        TANJI_DATA_DIR=str(work), TANJI_DEMO="true", DJANGO_SETTINGS_MODULE="tanji.web.settings"
    )
    password = secrets.token_urlsafe(16)
    ids = _prepare(password)
    port = _free_port()
    server = _serve(port)
    try:
        _shoot(f"http://127.0.0.1:{port}", password, ids, work)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
