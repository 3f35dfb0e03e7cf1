"""The trust log's cost for lab results, and ``tanji audit`` over lab rows and envelopes.

Runs on a throw-away data directory (its own SQLite file). Figures: lab analyses recorded per
second with their canonical record appended to the log in the same transaction, against the
same analyses without the log (the hook unwired) — the log's share of a lab entry; and the time
of ``tanji audit`` over those analyses (the half without a record is reported
``lab.not_logged``, as it should).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

ANALYSES = 300


def _setup() -> Any:
    os.environ["TANJI_DATA_DIR"] = tempfile.mkdtemp(prefix="tanji-bench-trustlog-")
    os.environ["TANJI_DEMO"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tests.plant.factories import SourceFactory

    return SourceFactory()


def _record(source: Any, prefix: str, count: int, actor: Any = None) -> float:
    from tanji.plant import lab
    from tanji.tenancy.actor import Actor

    actor = actor or Actor.system()
    sampled = datetime(2025, 6, 1, tzinfo=UTC)
    started = time.perf_counter()
    for i in range(count):
        lab.record_lab_analysis(
            actor, enterprise_id=source.enterprise_id, line_id=source.line_id,
            sample_id=f"{prefix}-{i}", material="clinker",
            sampled_at=sampled + timedelta(hours=i), analysed_at=sampled + timedelta(hours=i + 4),
            method_standard="GB/T 176-2017",
            results=[lab.ResultInput("cao", 65.0 + i % 7 * 0.1, "%", 0.15),
                     lab.ResultInput("mgo", 2.1, "%", 0.05),
                     lab.ResultInput("non_carbonate_cao", 1.0, "%", 0.1)],
        )  # fmt: skip
    return time.perf_counter() - started


def _lab_cost(source: Any) -> Iterator[str]:
    from tanji.evidence.records import record_platform_record
    from tanji.plant import trust_hook

    trust_hook._recorders.clear()
    bare = _record(source, "BARE", ANALYSES)
    trust_hook.register_recorder(record_platform_record)
    logged = _record(source, "LOG", ANALYSES)
    yield (
        f"lab analyses (3 results): {ANALYSES / logged:.0f}/s with the log, "
        f"{ANALYSES / bare:.0f}/s without; log append +{(logged / bare - 1) * 100:.0f} %"
    )
    attested = _attested(source)
    yield (
        f"lab analyses attested for a signed-in user (ADR 0210): {ANALYSES / attested:.0f}/s;"
        f" attestation +{(attested / logged - 1) * 100:.0f} % over the bare log append"
    )


def _attested(source: Any) -> float:
    from tests.tenancy.factories import member

    from tanji.evidence.attestation import Credential, submitting
    from tanji.tenancy.actor import Actor

    user = Actor.for_user(member("lab_staff", source.enterprise))
    with submitting(Credential("password+totp", "session:0123456789abcdef")):
        return _record(source, "ATT", ANALYSES, user)


def _audit() -> Iterator[str]:
    from tanji.evidence.signing import platform_key
    from tanji.ingest.audit import audit
    from tanji.plant.models import LabAnalysis

    started = time.perf_counter()
    found = audit(platform_key().public_key(), "tanji.example/log")
    took = time.perf_counter() - started
    count = LabAnalysis.objects.count()
    yield f"tanji audit over {count} lab analyses ({len(found)} findings): {took * 1e3:.0f} ms"


def run() -> Iterator[str]:
    """Yield the figures (see the module docstring)."""
    yield f"load average before: {os.getloadavg()[0]:.2f} (2 cores; other load inflates figures)"
    source = _setup()
    yield from _lab_cost(source)
    yield from _audit()
