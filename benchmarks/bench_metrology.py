"""Metrology reads the emissions engine and pages call, on the demo data (embedded SQLite).

Figures: ``tag_metrology_status`` for all tags of a works (one call per computation window),
``tag_standard_uncertainty`` per tag, the GB 17167 compliance table of a works, and the upload
screening throughput for a 1 MiB PDF.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from datetime import date


def _setup() -> None:
    os.environ["TANJI_DATA_DIR"] = tempfile.mkdtemp(prefix="tanji-bench-metrology-")
    os.environ["TANJI_DEMO"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _per_call(function: object, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        function()  # type: ignore[operator]
    return (time.perf_counter() - started) / count


def run() -> Iterator[str]:
    _setup()
    from tanji.demo.builder import build_demo
    from tanji.metrology import compliance, queries, uploads
    from tanji.plant import queries as plant_queries
    from tanji.tenancy.actor import Actor
    from tanji.tenancy.models import User

    build_demo()
    staff = Actor.for_user(User.objects.get(username="chujiang.metering"))
    tag_ids = list(plant_queries.tags(staff).values_list("pk", flat=True))
    at = date(2025, 6, 1)
    seconds = _per_call(lambda: queries.tag_metrology_status(staff, tag_ids, at), 20)
    yield f"tag_metrology_status ({len(tag_ids)} tags, one works): {seconds * 1e3:.1f} ms/call"
    rate = plant_queries.tags(staff).get(code="L1-COAL-CA-RATE").pk
    seconds = _per_call(lambda: queries.tag_standard_uncertainty(staff, rate, 20.0, at), 100)
    yield f"tag_standard_uncertainty (certificate basis): {seconds * 1e3:.2f} ms/call"
    enterprise_id = plant_queries.tags(staff).first().enterprise_id  # type: ignore[union-attr]
    seconds = _per_call(lambda: compliance.compliance(staff, enterprise_id), 20)
    yield f"GB 17167 compliance table (two lines): {seconds * 1e3:.1f} ms"
    body = b"%PDF-1.4\n" + b"0" * (1 << 20) + b"\n%%EOF\n"
    seconds = _per_call(lambda: uploads.screen("certificate.pdf", body), 20)
    yield f"upload screening, 1 MiB PDF: {seconds * 1e3:.1f} ms ({1 / seconds:.0f} MiB/s)"
