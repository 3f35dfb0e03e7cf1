"""DemoStreamer: the demo's live feed, simulated minutes written straight into the store.

Stand-in for the platform's intake while signed terminal batches (``tanji.ingest``) are not on the
main line: each tick takes the next minute's readings of every demo line (``Plant.readings_at``, the
day-cached path simulated terminals use) and writes it through
``store.write`` (idempotent, rollups maintained), exactly the values a terminal would have sent
but without an envelope or evidence id (ADR 0132). After each line's write it calls the emission
engine's post-commit listener (``on_samples_committed``) as the ingest pipeline would, so live
figures follow (ADR 0133). Runs in its own thread with its own database connection; ``stop()``
returns once the current tick is written.
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime, timedelta

from django.db import connection, connections

from tanji.emissions.services import on_samples_committed
from tanji.livedemo.backfill import LineFeed
from tanji.timeseries.samples import ts_ms
from tanji.timeseries.store import store_for

MINUTE = timedelta(minutes=1)


class DemoStreamer:
    """Feed one simulated minute of every line per tick (a tick is ``60 / speed`` seconds)."""

    def __init__(self, feeds: list[LineFeed], start: datetime, speed: float = 1.0) -> None:
        self.feeds = feeds
        self.clock = start
        self.interval = 60.0 / max(speed, 1e-3)
        self.minutes_written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-streamer", daemon=True)

    def start(self) -> None:
        """Start streaming in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to finish and wait for it."""
        self._stop.set()
        self._thread.join(timeout=30)

    def tick(self) -> int:
        """Write the minute at the clock for every line and advance it; returns samples written."""
        store = store_for(connection)
        ts = ts_ms(self.clock)
        written = 0
        for feed in self.feeds:
            batch = feed.readings_batch(feed.plant.plant.readings_at(self.clock))
            store.write(batch)
            written += len(batch)
            if len(batch):
                on_samples_committed(feed.enterprise_id, feed.tag_ids, ts, ts + 60_000)
        self.clock += MINUTE
        self.minutes_written += 1
        return written

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.tick()
                except Exception as error:
                    sys.stderr.write(f"tanji demo: live feed failed at {self.clock}: {error}\n")
        finally:
            connections.close_all()
