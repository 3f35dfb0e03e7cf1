"""A plain progress bar on stderr: no dependency, one line rewritten in place on a terminal.

When stderr is not a terminal (CI, tests) it prints a line only at each tenth of the way, so logs
stay short.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Counts units of work towards ``total`` and draws ``label [#####     ] 48 % 12.3 s``."""

    WIDTH = 30

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self._tty = self.stream.isatty()
        self._shown_tenth = -1

    def advance(self, units: int) -> None:
        """Add ``units`` of work done and redraw."""
        self.done = min(self.done + units, self.total)
        share = self.done / self.total
        tenth = int(share * 10)
        if not self._tty and tenth == self._shown_tenth:
            return
        self._shown_tenth = tenth
        filled = int(share * self.WIDTH)
        bar = "#" * filled + " " * (self.WIDTH - filled)
        elapsed = time.perf_counter() - self.started
        line = f"{self.label} [{bar}] {share:4.0%} {elapsed:5.1f} s"
        self.stream.write(f"\r{line}" if self._tty else f"{line}\n")
        self.stream.flush()

    def close(self) -> None:
        """End the line on a terminal."""
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()
