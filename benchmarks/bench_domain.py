"""Domain model: demo build through the services, and actor-scoped reads on embedded SQLite.

Runs on a throw-away data directory (its own SQLite file), so it never touches a real database.
Figures: the full demo build (≈ 750 audited writes) and its idempotent re-run; scoped tag listing
and tag-by-code lookups (the ingest path resolves channel codes to tag ids this way).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator


def _setup() -> None:
    os.environ["TANJI_DATA_DIR"] = tempfile.mkdtemp(prefix="tanji-bench-domain-")
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
    from tanji.plant import queries
    from tanji.tenancy.actor import Actor
    from tanji.tenancy.models import AuditEntry, User

    started = time.perf_counter()
    summary = build_demo()
    built = time.perf_counter() - started
    yield (
        f"demo build: {summary.created} objects, {AuditEntry.objects.count()} audit entries "
        f"in {built:.2f} s"
    )
    started = time.perf_counter()
    build_demo()
    yield f"demo re-run (idempotent, nothing created): {time.perf_counter() - started:.2f} s"
    staff = Actor.for_user(User.objects.get(username="chujiang.metering"))
    regulator = Actor.for_user(User.objects.get(username="hubei.regulator"))
    for name, actor in (("enterprise staff", staff), ("regulator", regulator)):
        rows = len(list(queries.tags(actor)))
        seconds = _per_call(lambda a=actor: list(queries.tags(a)), 50)
        yield f"scoped tag list ({name}, {rows} tags): {seconds * 1e3:.2f} ms"
    enterprise_id = queries.tags(staff).first().enterprise_id  # type: ignore[union-attr]
    seconds = _per_call(lambda: queries.tag_by_code(staff, enterprise_id, "L2-CEMS-CO2"), 500)
    yield f"tag_by_code (scoped, enterprise staff): {seconds * 1e6:.0f} µs/lookup"
