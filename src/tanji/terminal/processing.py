"""Local pre-processing: raw scans → one reading per tag and minute.

* ``rate`` tags (instantaneous values) become minute means of the normal samples. Following
  HJ 212-2017 Table C.16 (note), a minute is normal only if at least 75 % of its real-time
  values are normal; otherwise the mean is kept but flagged ``D`` (instrument fault), never
  passed off as a full minute. Expected values per minute = 60 s / scan interval.
* ``totaliser`` tags (counters) become the increase within the minute, summed over successive
  differences. A decrease is a roll-over when the counter's wrap is known (the value went past
  2³² or the meter's configured maximum); otherwise it is a reset, which is counted from zero and
  flags the minute ``D`` so the platform's missing-data rules look at it. The minute of the first
  scan after a start only holds part of its increase and is flagged ``B``.
* ``counter`` tags are forwarded as read: the minute carries the register's last normal reading,
  because the platform tag is itself a counter and differences the readings (ADR 0062, 0161).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tanji.protocols.readings import QualityFlag, Reading
from tanji.protocols.registers import PointKind

MINUTE_S = 60
VALID_SHARE = 0.75


@dataclass(frozen=True)
class TagProfile:
    """How one tag is pre-processed."""

    kind: PointKind = PointKind.RATE
    scan_s: int = 60
    wrap: float = 0.0


@dataclass
class _Minute:
    total: float = 0.0
    normal: int = 0
    flags: Counter[QualityFlag] = field(default_factory=Counter)
    reset: bool = False
    baseline: bool = False
    unit: str = ""


def _minute_of(moment: datetime) -> int:
    return int(moment.timestamp()) // MINUTE_S * MINUTE_S


class MinuteAggregator:
    """Accumulates scans and emits completed minutes."""

    def __init__(self, profiles: Mapping[str, TagProfile]) -> None:
        self.profiles = dict(profiles)
        self._open: dict[tuple[str, int], _Minute] = {}
        self._last_count: dict[str, float] = {}

    def add(self, readings: Iterable[Reading]) -> None:
        """Fold scans into their minutes."""
        for reading in readings:
            profile = self.profiles.get(reading.tag, TagProfile())
            key = (reading.tag, _minute_of(reading.time))
            minute = self._open.setdefault(key, _Minute(unit=reading.unit))
            if reading.flag is not QualityFlag.NORMAL:
                minute.flags[reading.flag] += 1
                continue
            if profile.kind is PointKind.TOTALISER:
                self._count(reading, profile, minute)
            elif profile.kind is PointKind.COUNTER:
                minute.total = reading.value  # the latest register reading wins
            else:
                minute.total += reading.value
            minute.normal += 1

    def _count(self, reading: Reading, profile: TagProfile, minute: _Minute) -> None:
        last = self._last_count.get(reading.tag)
        self._last_count[reading.tag] = reading.value
        if last is None:
            minute.baseline = True  # the increase before the first scan is unknown
            return
        delta = reading.value - last
        if delta < 0:
            if profile.wrap > 0:
                delta += profile.wrap
            else:
                delta, minute.reset = reading.value, True
        minute.total += delta

    def flush(self, now: datetime) -> list[Reading]:
        """Readings of every minute that has ended by ``now``."""
        current = _minute_of(now)
        done = sorted(k for k in self._open if k[1] < current)
        return [self._emit(tag, start, self._open.pop((tag, start))) for tag, start in done]

    def _emit(self, tag: str, start: int, minute: _Minute) -> Reading:
        profile = self.profiles.get(tag, TagProfile())
        moment = datetime.fromtimestamp(start, UTC)
        expected = max(1, MINUTE_S // profile.scan_s)
        if minute.normal == 0:
            flag = minute.flags.most_common(1)[0][0] if minute.flags else QualityFlag.COMM_FAILURE
            return Reading(tag, moment, 0.0, minute.unit, flag)
        if profile.kind is PointKind.COUNTER:
            return Reading(tag, moment, minute.total, minute.unit, QualityFlag.NORMAL)
        if profile.kind is PointKind.TOTALISER:
            flag = QualityFlag.NORMAL
            if minute.reset:
                flag = QualityFlag.FAULT
            elif minute.baseline:
                flag = QualityFlag.COMM_FAILURE
            return Reading(tag, moment, minute.total, minute.unit, flag)
        flag = QualityFlag.NORMAL
        if minute.normal < VALID_SHARE * expected:  # HJ 212-2017 Table C.16 note: ≥ 75 %
            flag = QualityFlag.FAULT
        return Reading(tag, moment, minute.total / minute.normal, minute.unit, flag)
