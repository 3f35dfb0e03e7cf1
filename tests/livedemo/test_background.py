"""The background back-fill: writes the remaining chunks newest first, reports progress, stops."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.db import connection

from tanji.livedemo import background as bg, steps
from tanji.livedemo.backfill import LineFeed
from tanji.livedemo.planning import horizons, line_chunks, phases
from tanji.livedemo.plants import demo_plants
from tanji.timeseries.models import Sample
from tanji.web import demostatus

ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 4, 6, 0, tzinfo=UTC)


def _backfill() -> steps.Backfill:
    plant = demo_plants(ORIGIN)[0]
    routes = (("L1.CLK.OUT", 11, 1.0), ("L1.CLK.OUT.TOT", 12, 1.0))
    feed = LineFeed(plant, 1, 1, routes, {})
    h = horizons(ORIGIN, NOW, minute_days=1, first_days=0.25)
    first, rest = phases(line_chunks(h, plant, plant, None), h)
    return steps.Backfill([feed], h, first, rest, NOW)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, datetime, datetime]]]:
    """Lab recording and figures need a built province (covered end to end in tests/cli).

    The time-series tables are unmanaged, so a transactional test's flush leaves their rows:
    they are removed here.
    """
    seen: list[tuple[str, datetime, datetime]] = []
    monkeypatch.setattr(steps, "record_labs", lambda _f, a, b: seen.append(("lab", a, b)) or 0)
    monkeypatch.setattr(steps, "recompute", lambda _f, a, b: seen.append(("fig", a, b)) or 0)
    yield seen
    with connection.cursor() as cursor:
        for table in ("timeseries_sample", "timeseries_rollup"):
            cursor.execute(f"DELETE FROM {table} WHERE tag_id IN (11, 12)")


@pytest.mark.django_db(transaction=True)
def test_background_writes_recent_figures_the_rest_labs_then_figures(
    tmp_path: Path, calls: list[tuple[str, datetime, datetime]]
) -> None:
    backfill = _backfill()
    out = io.StringIO()
    filler = bg.BackgroundFill(backfill, tmp_path, out, first_page_wait=0)
    assert demostatus.read(tmp_path).stage == "recent"
    filler.start()
    assert filler.wait(timeout=120)
    stored = Sample.objects.filter(tag_id=11)
    assert stored.order_by("ts").first().ts == int(ORIGIN.timestamp() * 1000)
    assert stored.count() == sum(c.minutes // c.every for c in backfill.rest)
    h = backfill.horizons
    assert calls == [("fig", h.recent, NOW), ("lab", h.split, h.recent), ("fig", ORIGIN, NOW)]
    assert demostatus.read(tmp_path).stage == demostatus.COMPLETE
    assert "background back-fill:" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_stop_ends_after_the_current_chunk_and_skips_labs_and_figures(
    tmp_path: Path, calls: list[tuple[str, datetime, datetime]]
) -> None:
    filler = bg.BackgroundFill(_backfill(), tmp_path, io.StringIO(), first_page_wait=0)
    filler.stop()  # asked before it starts: nothing is written
    filler.start()
    assert filler.wait(timeout=60)
    assert not Sample.objects.filter(tag_id__in=[11, 12]).exists()
    assert calls == []
    assert demostatus.read(tmp_path).running


@pytest.mark.django_db(transaction=True)
def test_it_starts_when_the_server_has_answered_a_request(
    tmp_path: Path, calls: list[tuple[str, datetime, datetime]]
) -> None:
    filler = bg.BackgroundFill(_backfill(), tmp_path, io.StringIO(), first_page_wait=600)
    filler.start()
    assert not filler.wait(timeout=0.5)  # waiting for the first page
    assert calls == []
    request_finished.send(sender=None)
    assert filler.wait(timeout=120)
    assert calls[0][0] == "fig"
