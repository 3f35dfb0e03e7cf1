"""Emission engine: recompute one line-year from the store, and the cost of one live hour.

Runs on a throw-away data directory (its own SQLite file). The demo line L1 of the first demo
enterprise is fed a simulated year: the kiln-tail CO2 and flow at one sample a minute (App. D
needs ≥ 45 valid minutes an hour), every other bound tag at one sample an hour — the engine
reads hourly rollups, so its cost depends on hours, not on sample density. Figures: the batch
recomputation of the year (target < 5 s on SQLite) and one live hour through the listener.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np

YEAR_START = datetime(2025, 5, 31, 16, tzinfo=UTC)  # 2025-06-01 local
DAYS = 365
MINUTE_TAGS = ("L1.CEMS.CO2", "L1.CEMS.FLOW")


def _setup() -> None:
    os.environ["TANJI_DATA_DIR"] = tempfile.mkdtemp(prefix="tanji-bench-emissions-")
    os.environ["TANJI_DEMO"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _thin(frame: object) -> object:
    """Keep minute samples of the CEMS tags, the first minute of each hour of the others."""
    from tanji.simulator import Frame

    assert isinstance(frame, Frame)
    hourly = frame.minutes % 60 == 0
    values = {
        t: (v if t in MINUTE_TAGS else np.where(hourly, v, np.nan)) for t, v in frame.values.items()
    }
    return Frame(frame.minutes, values, frame.flags)


def _feed_year(line: object, tag_ids: dict[str, int]) -> int:
    from django.db import connection

    from tanji.simulator import Plant, load_scenario
    from tanji.simulator.bridge import sample_rows
    from tanji.timeseries.samples import SampleBatch
    from tanji.timeseries.store import store_for

    plant = Plant(load_scenario("normal-month"))
    store = store_for(connection)
    written = 0
    for day in range(0, DAYS, 10):
        start = YEAR_START + timedelta(days=day)
        end = min(start + timedelta(days=10), YEAR_START + timedelta(days=DAYS))
        frame = _thin(plant.simulate(start, end))
        rows = list(sample_rows(frame, tag_ids, "L1", "S1"))  # type: ignore[arg-type]
        store.write(SampleBatch.from_rows(rows))
        written += len(rows)
    return written


def run() -> Iterator[str]:
    _setup()
    from tanji.demo.builder import build_demo
    from tanji.emissions import services
    from tanji.plant import queries
    from tanji.tenancy.actor import Actor
    from tanji.timeseries.samples import ts_ms

    build_demo(lambda: "bench-only-password")
    actor = Actor.system()
    line = queries.lines(actor).filter(code="L1").order_by("pk").first()
    assert line is not None
    tags = queries.tags(actor).filter(enterprise_id=line.enterprise_id)
    tag_ids = {t.code: t.pk for t in tags}
    started = time.perf_counter()
    samples = _feed_year(line, tag_ids)
    filled = time.perf_counter() - started
    yield f"store fill: {samples:,} samples of one line-year in {filled:.1f} s"
    year = (ts_ms(YEAR_START), ts_ms(YEAR_START + timedelta(days=DAYS)))
    for attempt in ("cold", "warm"):
        started = time.perf_counter()
        result = services.recompute(actor, line.pk, *year)
        seconds = time.perf_counter() - started
        yield (
            f"recompute one line-year ({attempt}): {seconds:.2f} s "
            f"({result.hours} h, {result.figures:,} figures, {result.totals} totals; target < 5 s)"
        )
    hour = ts_ms(YEAR_START + timedelta(days=200, hours=5))
    ids = sorted(tag_ids.values())
    timings = []
    for k in range(5):
        started = time.perf_counter()
        services.on_samples_committed(
            line.enterprise_id, ids, hour + k * 3_600_000, hour + (k + 1) * 3_600_000
        )
        timings.append(time.perf_counter() - started)
    yield f"live update of one hour through the listener: median {np.median(timings) * 1000:.0f} ms"
