"""A simulated period as arrays: per tag, one value and one quality flag per minute.

The frame is what a back-fill produces. It converts lazily to :class:`Reading` objects (the
wire type every terminal signs), to long-format CSV and to JSON lines, and skips minutes whose
value is missing (communication gaps), exactly as a real data logger would have nothing to send.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TextIO

from tanji.protocols.readings import Reading, format_time
from tanji.simulator.events import FLAGS, FlagArray
from tanji.simulator.noise import FloatArray, IntArray
from tanji.simulator.tags import TAG_MAP

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def minute_time(minute: int) -> datetime:
    """Aware UTC datetime of an epoch minute."""
    return EPOCH + timedelta(minutes=minute)


def reading_document(reading: Reading) -> dict[str, object]:
    """One reading in the batch wire shape (keys q, t, tag, u, v), value to 6 decimals.

    Back-fill JSON lines and ``tanji simulate live`` print the same document.
    """
    return {
        "q": str(reading.flag),
        "t": format_time(reading.time),
        "tag": reading.tag,
        "u": reading.unit,
        "v": round(reading.value, 6),
    }


@dataclass(frozen=True, slots=True)
class Frame:
    """Values and flags of every tag over consecutive minutes.

    Attributes:
        minutes: epoch minutes (minutes since 1970-01-01T00:00Z), consecutive.
        values: tag code → values in the tag's unit (NaN where nothing was received).
        flags: tag code → flag codes (index into :data:`tanji.simulator.events.FLAGS`).
    """

    minutes: IntArray
    values: dict[str, FloatArray]
    flags: dict[str, FlagArray]

    def __len__(self) -> int:
        return int(self.minutes.size)

    def readings_at(self, index: int, tags: Iterable[str] | None = None) -> list[Reading]:
        """Readings of one minute (by position), skipping missing values."""
        moment = minute_time(int(self.minutes[index]))
        readings = []
        for tag in tags if tags is not None else self.values:
            value = float(self.values[tag][index])
            if not math.isnan(value):
                flag = FLAGS[int(self.flags[tag][index])]
                readings.append(Reading(tag, moment, value, TAG_MAP[tag].unit, flag))
        return readings

    def readings(self, tags: Iterable[str] | None = None) -> Iterator[Reading]:
        """All readings, minute by minute."""
        chosen = list(tags) if tags is not None else list(self.values)
        for index in range(len(self)):
            yield from self.readings_at(index, chosen)

    def write_csv(self, out: TextIO, tags: Iterable[str] | None = None) -> int:
        """Write ``time,tag,value,unit,flag`` rows; return how many were written."""
        out.write("time,tag,value,unit,flag\n")
        count = 0
        for reading in self.readings(tags):
            out.write(
                f"{format_time(reading.time)},{reading.tag},{round(reading.value, 6)!r},"
                f"{reading.unit},{reading.flag}\n"
            )
            count += 1
        return count

    def write_jsonl(self, out: TextIO, tags: Iterable[str] | None = None) -> int:
        """Write one reading per line in the batch wire shape (keys q, t, tag, u, v)."""
        count = 0
        for reading in self.readings(tags):
            line = json.dumps(reading_document(reading), ensure_ascii=False, sort_keys=True)
            out.write(line + "\n")
            count += 1
        return count
