"""``tanji demo --check`` end to end, in a child process on a temporary data directory.

The child is a real start: migrations on a fresh SQLite file, the demo province, a short
back-fill (two days hourly, six hours of minutes), the in-process web server on a free port and
an HTTP GET of the first page. The second start must reuse all of it. A child process, because
the demo configures Django itself (demo mode, its own data directory) while the test process
runs on the test settings.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tanji.cli.main import build_parser
from tanji.demo.diagram import LAB_SAMPLES
from tanji.demo.enterprises import ENTERPRISES, demo_users
from tanji.demo.simulation import ROUTES

ARGS = ("--check", "--port", "0", "--backfill-days", "2", "--minute-days", "0.25")


def _demo(data_dir: Path) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TANJI_", "DJANGO_")) and k != "DATABASE_URL"
    }
    done = subprocess.run(
        [sys.executable, "-m", "tanji", "demo", "--data-dir", str(data_dir), *ARGS],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _written(out: str) -> int:
    match = re.search(r"([\d,]+) samples and (\d+) lab analyses", out)
    assert match, out
    return int(match.group(1).replace(",", ""))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    data_dir = tmp_path_factory.mktemp("demo")
    return data_dir, _demo(data_dir), _demo(data_dir)


def test_first_start_builds_backfills_and_serves(runs: tuple[Path, str, str]) -> None:
    data_dir, first, _ = runs
    assert "first page answered (200)" in first
    assert re.search(r"emission figures computed \([\d,]+ h\)", first)
    assert re.search(r"Start-up to first page: \d+\.\d s", first)
    # 2 days hourly (48 samples) plus 6 h of minutes: tens of thousands over five lines.
    assert _written(first) > 5 * 27 * 300
    with closing(sqlite3.connect(data_dir / "tanji.sqlite3")) as db:
        tags = db.execute(
            "SELECT count(DISTINCT tag_id) FROM timeseries_sample_current"
        ).fetchone()[0]
        days = db.execute("SELECT count(*) FROM timeseries_rollup WHERE resolution = 'd'")
        analyses = db.execute("SELECT count(*) FROM plant_labanalysis").fetchone()[0]
        figures = db.execute("SELECT count(DISTINCT line_id) FROM emissions_emissionfigure")
        assert figures.fetchone()[0] == sum(len(e.lines) for e in ENTERPRISES)
        assert days.fetchone()[0] >= tags
    line_routes = sum(route.scope == "line" for route in ROUTES.values())
    lines = sum(len(e.lines) for e in ENTERPRISES)
    assert tags == lines * line_routes + len(ENTERPRISES) * (len(ROUTES) - line_routes)
    # the builder's fixed samples (LAB_SAMPLES per line) plus the simulator's released in the
    # 6-hour minute window: clinker shift reports come every 8 hours, so for 2 hours in 8 the
    # window holds none and only the fixed samples are there
    assert analyses >= lines * len(LAB_SAMPLES)


def test_logins_for_every_role_printed_and_saved_owner_only(runs: tuple[Path, str, str]) -> None:
    data_dir, first, second = runs
    saved = json.loads((data_dir / "demo-logins.json").read_text(encoding="utf-8"))
    assert stat.S_IMODE((data_dir / "demo-logins.json").stat().st_mode) == 0o600
    for user in demo_users():
        assert user.role in first
        for out in (first, second):
            password = re.escape(saved[user.username])
            line = rf"^  {re.escape(user.username)} +{user.role} .* {password}$"
            assert re.search(line, out, re.M)


def test_second_start_reuses_the_data(runs: tuple[Path, str, str]) -> None:
    _, first, second = runs
    assert "first page answered (200)" in second
    # Only the minutes since the first start are filled (at most a few per line).
    assert _written(second) < _written(first) / 20
    assert "0 lab analyses" in second


def test_options_parse() -> None:
    args = build_parser().parse_args(
        ["demo", "--host", "0.0.0.0", "--port", "9000", "--reset", "--no-live"]
    )
    assert (args.host, args.port, args.reset, args.no_live) == ("0.0.0.0", 9000, True, True)
    assert not hasattr(args, "speed")  # the signed live feed runs in real time (ADR 0163)
    assert args.backfill_days == 365.0
