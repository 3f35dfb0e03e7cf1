"""Ingest end to end on one core: accepted samples/s and acknowledgement latency per protocol.

Runs on a throw-away data directory (its own SQLite file). Protocols: HTTPS (the Django view
through the test client, 500 signed samples per batch), MQTT (a local Mosquitto, when
installed: publish → signed receipt), HJ 212 (the gateway on loopback, minute frames with 20
factors, one device waiting for each 9014). The cost of verification and log append is the
pipeline's time over the same batches written without DSSE verification and without log append.
Ceilings: performance.md §8 (signed 100-point batches ≈ 260k points/s; HJ 212 ≈ 3.2k packets/s).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

TAGS, MINUTES = 25, 20  # 500 samples per batch
CEILING_BATCH_POINTS_S, CEILING_HJ212_PACKETS_S = 260_000, 3_240


def _setup() -> Any:
    os.environ["TANJI_DATA_DIR"] = tempfile.mkdtemp(prefix="tanji-bench-ingest-")
    os.environ["TANJI_DEMO"] = "true"
    os.environ["TANJI_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tests.evidence.factories import make_world
    from tests.plant.factories import TagFactory

    from tanji.evidence import signing

    world = make_world("B")
    os.environ["TANJI_PLATFORM_KEY_PEM"] = world.platform.to_pem().decode()
    signing.platform_key.cache_clear()
    codes = [
        TagFactory(source=world.coal.source, code=f"B.T{i}", range_max=1e9).code
        for i in range(TAGS)
    ]
    return world, codes


def _batch(world: Any, codes: list[str], seq: int) -> bytes:
    from tanji.protocols.readings import Batch, Reading

    start = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(minutes=seq * MINUTES)
    readings = tuple(
        Reading(code, start + timedelta(minutes=m), 10.0 + m, "t/h")
        for m in range(MINUTES)
        for code in codes
    )
    return world.envelope(Batch(world.terminal.device_id, seq, start, readings))


def _percentiles(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms"


def _https(world: Any, codes: list[str], first: int, count: int) -> Iterator[str]:
    from django.test import Client

    client = Client()
    bodies = [_batch(world, codes, first + i) for i in range(count + 1)]
    latencies = []
    for body in bodies:  # the first request warms the URL map and the API up: not counted
        started = time.perf_counter()
        answer = client.post(
            "/api/v1/ingest/batches",
            body,
            content_type="application/vnd.dsse.envelope.v1+json",
            headers={"X-Tanji-Device": world.terminal.device_id},
        )
        latencies.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.content
    latencies = latencies[1:]
    rate = count * TAGS * MINUTES / sum(latencies)
    yield (
        f"HTTPS (test client, in process), {count} batches of {TAGS * MINUTES} signed samples: "
        f"{rate:,.0f} samples/s ({rate / CEILING_BATCH_POINTS_S:.2f} of §8 ceiling); "
        f"ack {_percentiles(latencies)}"
    )


def _cost_ratio(world: Any, codes: list[str], first: int, count: int) -> Iterator[str]:
    """Pipeline time over the same work without verification and log append."""
    import numpy as np
    from django.db import connection, transaction

    from tanji.ingest.decode import decode
    from tanji.ingest.model import Authenticated, Submission
    from tanji.ingest.pipeline import ingest, received_now
    from tanji.ingest.validate import validate
    from tanji.timeseries.samples import SampleBatch
    from tanji.timeseries.store import store_for
    from tanji.trust.dsse import decode_envelope

    def bare(body: bytes) -> None:
        sub = Submission(body, "https", received_now(), device_id=world.terminal.device_id)
        payload = decode_envelope(body).payload  # parsing only: no signature check
        auth = Authenticated(sub, world.enterprise.pk, "signed", world.terminal, payload)
        rows = validate(decode(auth)).rows
        with transaction.atomic():
            store_for(connection).write(
                SampleBatch(
                    np.array([r[0] for r in rows], np.int64),
                    np.array([r[1] for r in rows]),
                    np.array([r[2] for r in rows]),
                    np.array([r[3] for r in rows], "<U1"),
                    np.full(len(rows), -1, np.int64),
                )
            )

    def full(body: bytes) -> None:
        sub = Submission(body, "https", received_now(), device_id=world.terminal.device_id)
        assert ingest(sub, key=world.platform).status == "accepted"

    timings = {}
    for name, function, offset in (("bare", bare, 0), ("full", full, count)):
        bodies = [_batch(world, codes, first + offset + i) for i in range(count)]
        started = time.perf_counter()
        for body in bodies:
            function(body)
        timings[name] = time.perf_counter() - started
    extra = timings["full"] / timings["bare"] - 1
    yield (
        f"verification + log cost, {TAGS * MINUTES}-sample batches: +{extra * 100:.0f} % "
        f"over ingest without them (target ≤ 30 %)"
    )


def run() -> Iterator[str]:
    """Yield the figures (see the module docstring)."""
    world, codes = _setup()
    from benchmarks.ingest_wire import hj212_figures, mqtt_figures

    yield from _https(world, codes, 1, 40)
    yield from _cost_ratio(world, codes, 1000, 30)
    yield from mqtt_figures(world, codes, 2000, 30, _batch, _percentiles)
    yield from hj212_figures(world, _percentiles, CEILING_HJ212_PACKETS_S)
