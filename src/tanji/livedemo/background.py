"""The back-fill behind the first page: older minutes, the hourly year, lab analyses, figures.

Runs in its own thread with its own database connection while the demo serves (ADR 0171). The
store's writes are idempotent and keep rollups exact in any order, so writing history newest
first beside the live feed is safe; SQLite serialises the writers (one short transaction per
chunk, busy timeout 30 s). Progress goes to the data directory's progress file, which every page
shows (:mod:`tanji.web.demostatus`); stopping (Ctrl-C) ends it after the current chunk, and the
next start fills what is still missing (:mod:`tanji.livedemo.planning`).
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from django.core.signals import request_finished
from django.db import connection, connections

from tanji.livedemo import steps
from tanji.livedemo.backfill import Simulation, fill
from tanji.timeseries.store import store_for
from tanji.web import demostatus
from tanji.web.demostatus import DemoProgress

#: Days of emission figures computed at start-up (a year costs 15–60 s on the reference
#: machine, depending on its load; ``tanji manage recompute`` fills the rest, ADR 0133).
RECOMPUTE_DAYS = 35


class BackgroundFill:
    """Write what the first page did not wait for, in a thread.

    In order: the recent day's emission figures, ``backfill.rest`` (newest first), the minute
    window's lab analyses, the figures of the last :data:`RECOMPUTE_DAYS` days. It starts once
    the server has answered its first request (or after ``first_page_wait`` seconds), so the
    first page does not share the interpreter with it.
    """

    def __init__(
        self,
        backfill: steps.Backfill,
        data_dir: Path,
        out: TextIO,
        first_page_wait: float = 15.0,
    ) -> None:
        self.backfill = backfill
        self.data_dir = data_dir
        self.out = out
        self.samples = 0
        self._done_minutes = 0
        self._first_page_wait = first_page_wait
        self._served = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-backfill", daemon=True)
        request_finished.connect(self._on_request, weak=False, dispatch_uid=self._uid)
        self._report(DemoProgress("recent"))

    @property
    def _uid(self) -> str:
        return f"demo-backfill-{id(self)}"

    def _on_request(self, **_: object) -> None:
        self._served.set()

    def start(self) -> None:
        """Start writing in the background."""
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the end (or ``timeout`` seconds); whether it has ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        """Ask the thread to end after its current step and wait for it."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout=60)

    def _total(self) -> int:
        return sum(chunk.minutes for chunk in self.backfill.rest)

    def _report(self, progress: DemoProgress) -> None:
        demostatus.write(self.data_dir, progress)

    def _run(self) -> None:
        self._served.wait(self._first_page_wait)
        request_finished.disconnect(dispatch_uid=self._uid)
        started = time.perf_counter()
        try:
            self._recent_figures()
            self._history()
            analyses = self._labs()
            hours = self._figures()
            if not self._stop.is_set():
                self.out.write(
                    f"  background back-fill: {self.samples:,} samples, {analyses} lab analyses,"
                    f" emission figures ({hours:,} h) in {time.perf_counter() - started:.1f} s\n"
                )
                self._report(DemoProgress(demostatus.COMPLETE))
        except Exception as error:  # the demo keeps serving what is written; say what failed
            sys.stderr.write(f"tanji demo: background back-fill failed: {error}\n")
            self._report(DemoProgress("failed"))
        finally:
            connections.close_all()

    def _recent_figures(self) -> None:
        """Figures of what the first phase wrote, first: the overview needs them."""
        if self._stop.is_set():
            return
        b = self.backfill
        hours = steps.recompute(b.feeds, b.filled_from(b.first), b.horizons.now)
        self.out.write(f"  emission figures computed ({hours:,} h) for the recent day\n")

    def _history(self) -> None:
        rest = self.backfill.rest
        if self._stop.is_set():
            return
        self._report(DemoProgress("history", total=self._total()))
        simulation = Simulation(rest)
        total = self._total()
        oldest = iter([chunk.start for chunk in rest])

        def advance(minutes: int) -> None:
            self._done_minutes += minutes
            written_from = next(oldest)
            self._report(
                DemoProgress(
                    "history", self._done_minutes, total, f"{written_from:%Y-%m-%d %H:%M} UTC"
                )
            )

        try:
            write, stop = store_for(connection).write, self._stop.is_set
            self.samples = fill(simulation, self.backfill.by_label, write, advance, stop)
        finally:
            simulation.cancel()

    def _labs(self) -> int:
        if self._stop.is_set():
            return 0
        self._report(DemoProgress("lab"))
        h = self.backfill.horizons
        return steps.record_labs(self.backfill.feeds, h.split, h.recent)

    def _figures(self) -> int:
        """Figures of the last :data:`RECOMPUTE_DAYS` days of what this start wrote."""
        if self._stop.is_set():
            return 0
        self._report(DemoProgress("figures"))
        b, h = self.backfill, self.backfill.horizons
        start = max(h.origin, b.filled_from(b.first + b.rest), h.now - timedelta(RECOMPUTE_DAYS))
        return steps.recompute(b.feeds, start, h.now)
