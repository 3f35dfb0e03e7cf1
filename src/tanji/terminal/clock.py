"""Clock drift detection against the platform's clock, read from signed receipts.

Each receipt carries the platform time of its commit. With the local send and arrival times the
offset is ``platform − (sent + received) / 2`` with an uncertainty of half the round trip (the
NTP/Cristian estimate); only estimates tighter than half the threshold are used. Following
reliability.md §4 (flag live data with |skew| > 5 min), readings produced while the last good
estimate exceeds the threshold are flagged ``D``: their values are right but their times are not
trustworthy, and the heartbeat tells the platform the measured offset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DRIFT_THRESHOLD_S = 300.0


@dataclass
class ClockMonitor:
    """Keeps the latest usable offset estimate."""

    threshold_s: float = DRIFT_THRESHOLD_S
    offset_s: float | None = None
    uncertainty_s: float | None = None

    def observe(self, platform_s: float, sent_s: float, received_s: float) -> None:
        """Fold in one receipt's platform time and the local send/arrival times."""
        uncertainty = max(0.0, received_s - sent_s) / 2
        if uncertainty > self.threshold_s / 2:
            return  # a receipt that took minutes (backlog, MQTT delay) says nothing precise
        self.offset_s = platform_s - (sent_s + received_s) / 2
        self.uncertainty_s = uncertainty

    @property
    def drifted(self) -> bool:
        """Whether the local clock is known to be off by more than the threshold."""
        return self.offset_s is not None and abs(self.offset_s) > self.threshold_s


class FileClock:
    """The acquisition time read from a file: rehearsals and system tests step the field's time.

    The file holds ``{"time": <epoch seconds>}`` and is replaced atomically by whoever drives the
    rehearsal; the time stands still between replacements, so a simulated day of scans takes
    as long as the stepping, not a day (ADR 0162). Only acquisition reads it: the uplink, receipts
    and drift detection keep the real clock. Production terminals have no clock file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp = -1
        self._time = 0.0

    def __call__(self) -> float:
        """The time in the file (re-read only when the file was replaced)."""
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return self._time
        if stamp != self._stamp:
            try:
                self._time = float(json.loads(self.path.read_text(encoding="utf-8"))["time"])
                self._stamp = stamp
            except (ValueError, KeyError, OSError):
                pass  # caught mid-replacement; the next call reads it
        return self._time

    @staticmethod
    def write(path: Path, moment: float) -> None:
        """Set the time (atomically: write beside, then rename)."""
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"time": moment}), encoding="utf-8")
        temporary.replace(path)
