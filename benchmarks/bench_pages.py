"""Server time per page on the demo data: p50 / p95 of Django's full request cycle.

Runs in-process with Django's test client (middleware, session, templates, queries; no network
or browser) on a throw-away SQLite database holding the demo data set. Each page is requested
by the role that uses it; the target is p95 < 300 ms (R8.2).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator

ROUNDS = 30
#: (label, user, URL) — URLs with ``{...}`` are filled from the demo data.
PAGES = (
    ("overview", "chujiang.admin", "/overview/"),
    ("metering", "chujiang.metering", "/metering/"),
    ("materials", "chujiang.lab", "/materials/"),
    ("info index", "chujiang.admin", "/info/"),
    ("tags list", "chujiang.metering", "/info/tags/"),
    ("tag detail", "chujiang.metering", "/info/tags/{tag}/"),
    ("instruments list", "chujiang.metering", "/info/instruments/"),
    ("audit log", "chujiang.admin", "/info/audit/"),
    ("province", "hubei.regulator", "/province/"),
    ("province drill-down", "hubei.regulator", "/province/enterprises/{enterprise}/"),
    ("reports (form)", "chujiang.viewer", "/reports/"),
    ("API tags list", "chujiang.metering", "/api/v1/plant/tags?limit=100"),
)


def _setup() -> None:
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        os.environ["TANJI_DATA_DIR"] = tempfile.mkdtemp(prefix="tanji-bench-pages-")
        os.environ["TANJI_DEMO"] = "true"
        os.environ["DJANGO_SETTINGS_MODULE"] = "tanji.web.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run() -> Iterator[str]:
    _setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tanji.demo.builder import build_demo
    from tanji.plant import queries
    from tanji.tenancy import queries as tenancy_queries
    from tanji.tenancy.actor import Actor

    setup_test_environment()  # lets the test client run outside a test case (ALLOWED_HOSTS)
    build_demo()
    system = Actor.system()
    users = {u.username: u for u in tenancy_queries.users(system)}
    ids = {
        "tag": queries.tags(system).filter(enterprise__name_zh__contains="楚江").first().pk,  # type: ignore[union-attr]
        "enterprise": tenancy_queries.enterprises(system).first().pk,  # type: ignore[union-attr]
    }
    worst = 0.0
    for label, username, url in PAGES:
        client = Client()
        client.force_login(users[username])
        target = url.format(**ids)
        assert client.get(target).status_code == 200, target  # warm-up and check
        samples = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            client.get(target)
            samples.append((time.perf_counter() - started) * 1e3)
        p95 = _percentile(samples, 0.95)
        worst = max(worst, p95)
        yield f"{label:<22} p50 {statistics.median(samples):6.1f} ms   p95 {p95:6.1f} ms"
    yield f"worst p95: {worst:.1f} ms (target < 300 ms)"
