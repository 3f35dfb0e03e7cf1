"""The in-process server answers pages and static files."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime

import pytest

from tanji.livedemo.server import DemoServer

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
