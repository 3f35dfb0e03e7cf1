"""``tanji demo`` runs the example period until the web platform exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tanji.cli import demo
from tanji.cli.main import main


def test_demo_runs_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "web platform is not built yet" in out
    assert "clinker boundary" in out


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    out = capsys.readouterr().out
    document = json.loads(out[out.index("{") :])
    assert document["format"] == "tanji-period-result/1"


def test_demo_without_example(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "EXAMPLE", tmp_path / "missing.yaml")
    assert main(["demo"]) == 2
    assert "not installed" in capsys.readouterr().out
