"""What the back-fill writes, and in which order: recent minutes first, the rest behind the page.

The first page needs only the province and the last day or so; everything else — older minutes,
the hourly year, lab analyses, emission figures — is written in the background while the page
is served, newest first, so the charts fill in backwards (ADR 0171). The simulator is
random-access (every draw is addressed by epoch minute, totalisers by 30-day checkpoints), so
chunks can be simulated and written in any order.

A line's history is contiguous from its earliest to its latest stored sample whatever was
interrupted (each phase writes newest first), so a later start fills the gap after the latest
sample (the simulator re-anchored there) and the gap before the earliest one (the simulator from
the origin, so the values are exactly those a first start would have written).
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from tanji.livedemo.plants import LinePlant, demo_plants
from tanji.simulator import Frame

MINUTE = timedelta(minutes=1)
HOURLY_CHUNK = timedelta(days=30)
MINUTE_CHUNK = timedelta(days=1)
#: What identifies a chunk across processes: (line label, start, end, every).
ChunkKey = tuple[str, datetime, datetime, int]


@dataclass(frozen=True)
class Horizons:
    """Where resolution and phase change, the same for every line of one start.

    Attributes:
        origin: start of the simulated history.
        split: minute samples from here on, hourly ones before (a whole hour).
        recent: written before the first page from here on (a whole hour, not before split).
        now: end of the back-fill.
    """

    origin: datetime
    split: datetime
    recent: datetime
    now: datetime


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def horizons(origin: datetime, now: datetime, minute_days: float, first_days: float) -> Horizons:
    """Horizons of a start; hours aligned so an hourly and a minute sample never collide."""
    split = min(max(_hour(now - timedelta(days=minute_days)), origin), now)
    recent = min(max(_hour(now - timedelta(days=first_days)), split), now)
    return Horizons(origin, split, recent, now)


@dataclass(frozen=True)
class Chunk:
    """One simulation step: a line, a span, every how many minutes a sample is kept."""

    plant: LinePlant
    start: datetime
    end: datetime
    every: int

    @property
    def minutes(self) -> int:
        """Simulated minutes (the unit of progress)."""
        return int((self.end - self.start) / MINUTE)

    @property
    def key(self) -> ChunkKey:
        """The chunk's identity (the same for the same line and span in another process)."""
        return (self.plant.label, self.start, self.end, self.every)

    def frame(self) -> Frame:
        """Simulate the span and keep every ``every``-th minute (the rest is not written)."""
        frame = self.plant.plant.simulate(self.start, self.end)
        if self.every == 1:
            return frame
        keep = np.flatnonzero(frame.minutes % self.every == 0)
        return Frame(
            frame.minutes[keep],
            {tag: values[keep] for tag, values in frame.values.items()},
            {tag: flags[keep] for tag, flags in frame.flags.items()},
        )


def line_chunks(
    h: Horizons,
    fresh: LinePlant,
    resumed: LinePlant,
    stored: tuple[datetime, datetime] | None,
) -> list[Chunk]:
    """Chunks still missing for one line, given its (earliest, latest) stored sample times.

    ``fresh`` is the line simulated from the origin, ``resumed`` the same line re-anchored at
    its latest stored sample (used only after it).
    """
    if stored is None:
        return cut(fresh, h.origin, h.now, h)
    earliest, latest = stored
    return cut(resumed, latest + MINUTE, h.now, h) + cut(fresh, h.origin, earliest, h)


def cut(plant: LinePlant, start: datetime, end: datetime, h: Horizons) -> list[Chunk]:
    """``[start, end)`` as 30-day hourly chunks before ``split``, one-day minute chunks after.

    Minute chunks are also cut at ``recent``, so each chunk belongs to one phase.
    """
    out = []
    for lo, hi, every, step in (
        (start, min(end, h.split), 60, HOURLY_CHUNK),
        (max(start, h.split), min(end, h.recent), 1, MINUTE_CHUNK),
        (max(start, h.recent), end, 1, MINUTE_CHUNK),
    ):
        cursor = lo
        while cursor < hi:
            out.append(Chunk(plant, cursor, min(cursor + step, hi), every))
            cursor = min(cursor + step, hi)
    return out


def phases(chunks: list[Chunk], h: Horizons) -> tuple[list[Chunk], list[Chunk]]:
    """(before the first page, in the background): recent minutes, then the rest newest first."""
    first = [c for c in chunks if c.start >= h.recent]
    rest = sorted((c for c in chunks if c.start < h.recent), key=lambda c: c.start, reverse=True)
    return first, rest


def simulate_first(h: Horizons) -> dict[ChunkKey, Frame]:
    """Frames of a first start's before-the-page chunks, for every demo line (no database)."""
    plants = demo_plants(h.origin)
    first, _ = phases([c for p in plants for c in line_chunks(h, p, p, None)], h)
    return {chunk.key: chunk.frame() for chunk in first}


def simulate_first_elsewhere(h: Horizons) -> Future[dict[ChunkKey, Frame]]:
    """:func:`simulate_first` in a child process, started now (ADR 0171).

    The recent day sits eleven 30-day totaliser checkpoints after the origin: about 3 s of
    simulation that a first start used to wait for after building the province (9 s under
    load). A process, not a thread, so it runs beside the interpreter-bound migrations and
    build instead of taking turns with them. Forked before any thread or database connection
    exists in this process (the caller's duty), so the fork copies nothing half-done.
    """
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = pool.submit(simulate_first, h)
    pool.shutdown(wait=False)
    return future


def ready(future: Future[dict[ChunkKey, Frame]] | None) -> dict[ChunkKey, Frame] | None:
    """The frames simulated elsewhere, or None (then they are simulated here) if that failed."""
    if future is None:
        return None
    try:
        return future.result()
    except Exception as error:  # a lost child costs seconds, not the start
        sys.stderr.write(f"tanji demo: simulating ahead failed ({error}); simulating here\n")
        return None
