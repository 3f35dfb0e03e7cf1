"""The demo's background back-fill progress: the file, and the bar on every page in demo mode."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tanji.web import demostatus
from tanji.web.demostatus import DemoProgress


def test_progress_file_round_trip_and_percent(tmp_path: Path) -> None:
    assert demostatus.read(tmp_path) is None
    demostatus.write(tmp_path, DemoProgress("history", 250, 1000, "2026-10-01 00:00 UTC"))
    progress = demostatus.read(tmp_path)
    assert progress is not None
    assert (progress.stage, progress.percent, progress.running) == ("history", 25, True)
    assert progress.updated > 0
    assert DemoProgress("figures").percent == 100
    assert DemoProgress("recent").percent == 0
    assert not DemoProgress(demostatus.COMPLETE).running
    (tmp_path / demostatus.FILENAME).write_text("{not json", encoding="utf-8")
    assert demostatus.read(tmp_path) is None


@pytest.fixture
def demo_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(TANJI=replace(settings.TANJI, demo=True, data_dir=tmp_path)):
        yield tmp_path


def test_pages_show_the_bar_while_the_history_is_written(client: Client, demo_dir: Path) -> None:
    demostatus.write(demo_dir, DemoProgress("history", 1, 4, "2026-11-01 00:00 UTC"))
    body = client.get("/").content.decode()
    assert 'id="demo-progress"' in body
    assert "25 %" in body
    assert "2026-11-01 00:00 UTC" in body
    assert 'hx-trigger="every 3s"' in body
    fragment = client.get("/demo/progress").content.decode()
    assert "25 %" in fragment
    assert "<html" not in fragment


def test_bar_disappears_when_complete_and_outside_demo_mode(client: Client, demo_dir: Path) -> None:
    demostatus.write(demo_dir, DemoProgress(demostatus.COMPLETE))
    assert "progress-bar" not in client.get("/").content.decode()
    demostatus.write(demo_dir, DemoProgress("history", 1, 4))
    with override_settings(TANJI=replace(settings.TANJI, demo=False, data_dir=demo_dir)):
        assert "progress-bar" not in client.get("/").content.decode()
