"""``tanji demo`` end to end: database, demo province, back-fill, web server, live feed.

Order matters for the minute budget (ADR 0130, 0171): demo passwords are hashed on the second
core while migrations run and the demo data set is built (the builder is idempotent); then the
recent days are back-filled with a progress bar and the server starts, while the rest of the
history, lab analyses and figures are written in the background (progress on every page).
Every step prints how long it took.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tanji.livedemo.backfill import LineFeed

DB_FILES = ("tanji.sqlite3", "tanji.sqlite3-wal", "tanji.sqlite3-shm")
STATE_FILE = "demo-state.json"
TERMINALS_DIR = "terminals"  # the demo terminals' keys and outboxes (tanji.livedemo.streamer)


@dataclass(frozen=True)
class Options:
    """What ``tanji demo`` was asked for (see its ``--help``)."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    reset: bool = False
    live: bool = True
    backfill_days: float = 365.0
    minute_days: float = 28.0
    first_days: float = 1.0
    check: bool = False


class Clock:
    """Step timings since the start, printed as they happen."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = time.perf_counter()
        self.last = self.started

    def step(self, what: str) -> float:
        """Print ``what`` with the step's and the total time; return the total."""
        now = time.perf_counter()
        total = now - self.started
        self.out.write(f"  {what:<40} {now - self.last:6.1f} s   (total {total:.1f} s)\n")
        self.out.flush()
        self.last = now
        return now - self.started


def configure(data_dir: Path) -> None:
    """Point the settings at the data directory in demo mode and set Django up.

    ``tanji.config`` is the only reader of the environment, so the demo speaks to it the same
    way a deployment does: ``TANJI_DATA_DIR`` and ``TANJI_DEMO`` (the web secret is then
    generated into the data directory by ``tanji.web.secrets``).
    """
    os.environ["TANJI_DATA_DIR"] = str(data_dir)
    os.environ["TANJI_DEMO"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tanji.web.settings"
    import django

    django.setup()


def reset(data_dir: Path) -> None:
    """Remove the embedded database, the saved demo passwords and the demo state."""
    from tanji.livedemo import logins

    for name in (*DB_FILES, logins.FILENAME, STATE_FILE):
        (data_dir / name).unlink(missing_ok=True)
    shutil.rmtree(data_dir / TERMINALS_DIR, ignore_errors=True)  # keys and outboxes of the demo


def origin(data_dir: Path, now: datetime, days: float) -> datetime:
    """Start of the simulated history: saved on the first run, so later runs agree with it."""
    path = data_dir / STATE_FILE
    if path.exists():
        return datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["origin"])
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    path.write_text(json.dumps({"origin": start.isoformat()}), encoding="utf-8")
    return start


def run(options: Options, out: TextIO) -> int:
    """Build, back-fill and serve; with ``check``, fetch the first page and return."""
    clock = Clock(out)
    data_dir = options.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if options.reset:
        reset(data_dir)
    configure(data_dir)
    out.write(f"tanji demo — data directory {data_dir}\n")
    from tanji.demo.enterprises import demo_users
    from tanji.livedemo import planning, steps
    from tanji.livedemo.background import BackgroundFill
    from tanji.livedemo.passwords import PasswordPool

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = origin(data_dir, now, options.backfill_days)
    fresh = not (data_dir / DB_FILES[0]).exists()
    ahead = None  # a first start simulates its recent days in a child, forked before threads
    if fresh:
        h = planning.horizons(start, now, options.minute_days, options.first_days)
        ahead = planning.simulate_first_elsewhere(h)
    passwords = PasswordPool(len(demo_users()) if fresh else 0)
    steps.migrate()
    clock.step("database migrated")
    accounts = steps.build(data_dir, passwords)
    clock.step("demo province built")
    filled = steps.plan(start, now, options.minute_days, options.first_days)
    steps.fill_first(filled, out, planning.ready(ahead))
    clock.step("recent days back-filled")
    background = BackgroundFill(filled, data_dir, out)
    background.start()
    try:
        status = serve(options, filled.feeds, filled.live_from, accounts, clock)
        if options.check:  # --check also proves the background part completes
            background.wait()
            clock.step("background back-fill complete")
        return status
    finally:
        background.stop()


def serve(
    options: Options, feeds: list[LineFeed], live_from: datetime, accounts: str, clock: Clock
) -> int:
    """Start the server (and the live feed), print the URL and logins, wait for Ctrl-C."""
    from tanji.livedemo.server import DemoServer
    from tanji.livedemo.streamer import DemoTerminals
    from tanji.livedemo.witness import DemoWitness

    server = DemoServer(options.host, options.port)
    server.start()
    status = fetch(server.url)
    first_page = clock.step(f"first page answered ({status})")
    out = clock.out
    out.write(f"\n{accounts}\nOpen {server.url}\n")
    out.write(f"Start-up to first page: {first_page:.1f} s\n")
    out.flush()
    if options.check:
        server.stop()
        return 0 if status == 200 else 1
    witness = DemoWitness()
    witness.start()  # the demo province cosigns the log head every few minutes (ADR 0182)
    port = server.httpd.server_address[1]
    streamer = None
    if options.live:  # signed intake runs in real time: the platform refuses future readings
        streamer = DemoTerminals(feeds, options.data_dir.resolve(), f"http://127.0.0.1:{port}")
        streamer.start()
        out.write(
            f"Live feed: {len(streamer.lines)} enrolled demo terminals read their lines' simulated"
            " Modbus instruments every minute, take the CEMS data logger's HJ 212 minute records"
            " and send signed batches to this server.\n"
        )
    out.write("Press Ctrl-C to stop.\n")
    out.flush()
    try:
        wait_for_signal()
        out.write("\nstopping…\n")
    finally:
        if streamer:
            streamer.stop()
        witness.stop()
        server.stop()
    return 0


def wait_for_signal() -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM, whatever the inherited dispositions were."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass


def fetch(url: str) -> int:
    """HTTP status of a GET of ``url`` (the demo's own first page)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return int(response.status)
