"""Scan scheduling: each tag is read on its own interval (1 s … 1 h), aligned to the clock.

Alignment (a 10 s tag is read at :00, :10, :20 …) keeps samples of different terminals
comparable and minute buckets evenly filled. A terminal that falls behind (a slow serial line,
a suspended VM) skips the missed slots instead of bursting to catch up: the minute mean then
carries fewer samples and is flagged by :mod:`tanji.terminal.processing`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping


class ScanSchedule:
    """When each (instrument, tag) is next due.

    Args:
        intervals: ``{(instrument, tag): scan_s}``.
    """

    def __init__(self, intervals: Mapping[tuple[str, str], int]) -> None:
        self.intervals = dict(intervals)
        self._next: dict[tuple[str, str], float] = {}

    def due(self, now_s: float) -> dict[str, list[str]]:
        """Tags to read now, grouped by instrument; advances their next slot."""
        ready: dict[str, list[str]] = defaultdict(list)
        for key, interval in self.intervals.items():
            slot = self._next.get(key)
            if slot is None or slot <= now_s:
                ready[key[0]].append(key[1])
                self._next[key] = (math.floor(now_s / interval) + 1) * interval
        return dict(ready)

    def replace(self, intervals: Mapping[tuple[str, str], int]) -> None:
        """New intervals (a new configuration); unchanged keys keep their next slot."""
        self._next = {
            k: slot for k, slot in self._next.items() if intervals.get(k) == self.intervals.get(k)
        }
        self.intervals = dict(intervals)

    def next_due(self) -> float:
        """Earliest upcoming slot (0 before the first call to :meth:`due`)."""
        return min(self._next.values(), default=0.0)
