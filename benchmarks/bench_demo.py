"""``tanji demo`` start-up: fresh data directory to first page, then a warm (second) start.

Each start is a child process running ``tanji demo --check --port 0`` with the default back-fill
(five lines: the last day of minutes before the first page; 28 days of minutes and a year of
hourly samples behind it, ADR 0171), exactly what ``./scripts/demo`` does before it serves; the
child prints its step timings, the time to the first page and, as ``--check`` waits for it, when
the background back-fill completed, which this benchmark collects. Target: first page under a
minute fresh on the 2-core reference machine (ADR 0130).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

TARGET_S = 60.0
STEP = re.compile(r"^  (.+?)\s{2,}(\d+\.\d) s", re.M)
WRITTEN = re.compile(r"([\d,]+) samples and (\d+) lab analyses")
BACKGROUND = re.compile(r"background back-fill: ([\d,]+) samples")


def _start(data_dir: str) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANJI_", "DJANGO_"))}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tanji", "demo", "--check", "--port", "0", "--data-dir", data_dir],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return time.perf_counter() - started, done.stdout


def _first_page(out: str) -> float:
    match = re.search(r"Start-up to first page: (\d+\.\d) s", out)
    return float(match.group(1)) if match else float("nan")


def run() -> Iterator[str]:
    yield f"machine at start: load {os.getloadavg()[0]:.1f}"
    data_dir = tempfile.mkdtemp(prefix="tanji-bench-demo-")
    for label in ("fresh", "warm"):
        wall, out = _start(data_dir)
        steps = ", ".join(f"{name} {seconds} s" for name, seconds in STEP.findall(out))
        written = WRITTEN.search(out)
        samples = written.group(1) if written else "?"
        behind = BACKGROUND.search(out)
        samples += f" before the page, {behind.group(1) if behind else '?'} behind it"
        first = _first_page(out)
        verdict = "ok" if first < TARGET_S else "OVER TARGET"
        yield (
            f"{label} start to first page: {first:.1f} s (process wall {wall:.1f} s, target"
            f" < {TARGET_S:.0f} s: {verdict}); samples written: {samples}"
        )
        yield f"  steps: {steps}"
        yield f"  load average after the start: {os.getloadavg()[0]:.1f}"
