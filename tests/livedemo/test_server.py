"""The in-process server answers pages and static files; the live feed writes one minute a tick."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from tanji.livedemo.backfill import LineFeed
from tanji.livedemo.plants import demo_plants
from tanji.livedemo.server import DemoServer
from tanji.livedemo.streamer import DemoStreamer
from tanji.timeseries.models import Sample

ORIGIN = datetime(2026, 3, 1, tzinfo=UTC)


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status), response.read()


@pytest.mark.django_db(transaction=True)
def test_server_serves_pages_and_static_files() -> None:
    server = DemoServer("127.0.0.1", 0)
    server.start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        status, body = _get(server.url + "healthz")
        assert status == 200
        assert b'"status": "ok"' in body
        status, body = _get(server.url + "static/web/tanji.css")
        assert status == 200
        assert body
    finally:
        server.stop()


@pytest.mark.django_db
def test_streamer_tick_writes_the_next_minute_of_every_line() -> None:
    plants = demo_plants(ORIGIN)[:2]
    routes = (("L1.CLK.OUT", 1, 1.0), ("L1.CLK.OUT.TOT", 2, 1.0))
    feeds = [
        LineFeed(p, 1, n, tuple((c, t + 10 * n, f) for c, t, f in routes), {})
        for n, p in enumerate(plants, start=1)
    ]
    start = ORIGIN + timedelta(days=3, hours=5)
    streamer = DemoStreamer(feeds, start, speed=60)
    assert streamer.interval == 1.0
    assert streamer.tick() == 4
    assert streamer.tick() == 4
    assert streamer.clock == start + timedelta(minutes=2)
    stored = Sample.objects.filter(tag_id__in=[11, 12, 21, 22])
    assert stored.count() == 8
    assert set(stored.values_list("ts", flat=True)) == {
        int((start + timedelta(minutes=m)).timestamp() * 1000) for m in (0, 1)
    }
