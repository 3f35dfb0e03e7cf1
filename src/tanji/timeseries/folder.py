"""The roll-up folder: a background thread applying deferred rollup changes (ADR 0220).

While it runs, the process's writes defer their rollup changes (one pending row each, committed
with the samples), so an acknowledgement waits for the samples only. Every ``window_s`` the
folder applies what is pending, oldest first, in transactions of at most ``batch`` rows; the
changes of a tag that arrived within one window are merged into one upsert per bucket. It folds
at start, which is how changes left by a crashed process reach the rollups, and at stop.
On SQLite it also moves the samples deferred writes parked in the recent table into the sample
table, in one transaction a round (ADR 0261).
Readers never depend on it: the store merges pending rows into every rollup read, and reads
recent samples with the others.
"""

from __future__ import annotations

import logging

from tanji.timeseries.folding import set_process_default
from tanji.workers import Slot, WindowThread

__all__ = ["RollupFolder", "flush_folder", "start_folder", "stop_folder"]

logger = logging.getLogger(__name__)


def fold_all(batch: int = 256) -> int:
    """Apply every pending row and move parked samples (this thread's connection); rows applied."""
    from django.db import connection

    from tanji.timeseries.store import store_for

    total = 0
    store = store_for(connection)
    while folded := store.fold_pending(batch):
        total += folded
    store.move_recent()  # the samples deferred writes parked (ADR 0261)
    return total


class RollupFolder(WindowThread):
    """One thread folding pending rollup changes (see the module docstring)."""

    def __init__(self, window_s: float = 1.0, batch: int = 256) -> None:
        super().__init__("rollup-folder", window_s)
        self.batch = batch
        self.folded = 0  # pending rows applied (for tests and logs)
        self.rounds = 0

    def start(self) -> RollupFolder:
        """Defer this process's writes from now on and start the thread; returns ``self``."""
        set_process_default(True)
        self._thread.start()
        return self

    def flush(self, timeout: float = 60.0) -> bool:
        """Wait until a round that began after this call ended; ``False`` on timeout."""
        target = self.rounds + 2  # the round under way may have missed recent commits
        return self._hurry_until(lambda: self.rounds >= target, timeout)

    def stop(self) -> None:
        """Write synchronously again, fold what is pending, end the thread."""
        set_process_default(False)
        super().stop()

    def _run(self) -> None:
        from django.db import connection

        try:
            while True:
                self._round()
                with self._cond:
                    if self._stopping:
                        break
                    self._cond.wait_for(lambda: self._stopping or self._hurry, self.window_s)
                    self._hurry = False
            self._round()  # writes that deferred before stop() switched them back
        finally:
            connection.close()

    def _round(self) -> None:
        try:
            self.folded += fold_all(self.batch)
        except Exception:  # the database is busy or gone: the rows stay pending, try again
            logger.exception("rollup folder: fold failed; pending changes kept")
        with self._cond:
            self.rounds += 1
            self._cond.notify_all()


_slot: Slot[RollupFolder] = Slot()


def start_folder(window_s: float = 1.0) -> RollupFolder:
    """Start the process's folder (idempotent); writes defer from now on."""
    return _slot.start(lambda: RollupFolder(window_s).start())


def stop_folder() -> None:
    """Fold what is pending and stop the process's folder (no-op when none runs)."""
    _slot.stop()


def flush_folder(timeout: float = 60.0) -> bool:
    """Wait for the folder to apply what was committed so far (``True`` without one)."""
    folder = _slot.worker
    return True if folder is None else folder.flush(timeout)
