"""Back-fill the demo lines from the simulator into the time-series store, then lab analyses.

History older than the minute horizon is written as one sample per hour (the value at the top of
the hour; totaliser registers make hourly increases exact), recent weeks as every minute — the
store keeps hour/day/month rollups of both (ADR 0061). Each line resumes after its latest stored
sample, so a second start fills only the gap. Lab analyses reported in the minute window go
through the plant services (``record_lab_analysis``), skipping sample ids already recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from tanji.demo.simulation import LAB_PARAMETERS, LAB_SOURCES, ROUTES, demo_code
from tanji.livedemo.plants import LinePlant
from tanji.plant import lab, queries as plant_queries
from tanji.protocols.readings import Reading
from tanji.simulator import Frame, LabResult
from tanji.simulator.events import FLAGS
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import NO_EVIDENCE, SampleBatch, ts_ms

MINUTE = timedelta(minutes=1)
HOURLY_CHUNK = timedelta(days=30)
MINUTE_CHUNK = timedelta(days=1)
_LETTERS = np.array([flag.value for flag in FLAGS], dtype="<U1")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class LineFeed:
    """A simulated demo line resolved to the database: tag ids per simulated tag, source ids."""

    plant: LinePlant
    enterprise_id: int
    line_id: int
    routes: tuple[tuple[str, int, float], ...]
    sources: dict[str, int]

    @property
    def tag_ids(self) -> list[int]:
        """The demo tag ids this feed writes."""
        return [tag_id for _, tag_id, _ in self.routes]

    def batch(self, frame: Frame, every: int = 1) -> SampleBatch:
        """Samples of every mapped tag at every ``every``-th minute of the frame (NaN skipped)."""
        keep = np.flatnonzero(frame.minutes % every == 0)
        times = frame.minutes[keep] * 60_000
        parts = []
        for code, tag_id, factor in self.routes:
            values = frame.values[code][keep] * factor
            present = ~np.isnan(values)
            count = int(present.sum())
            parts.append(
                (
                    np.full(count, tag_id, np.int64),
                    times[present],
                    values[present],
                    _LETTERS[frame.flags[code][keep][present]],
                )
            )
        tags, ts, vals, flags = (np.concatenate(column) for column in zip(*parts, strict=True))
        return SampleBatch(tags, ts, vals, flags, np.full(tags.shape[0], NO_EVIDENCE, np.int64))

    def readings_batch(self, readings: list[Reading]) -> SampleBatch:
        """Samples of the mapped tags among ``readings`` (the wire type a terminal signs)."""
        routes = {code: (tag_id, factor) for code, tag_id, factor in self.routes}
        rows = [
            (routes[r.tag][0], ts_ms(r.time), r.value * routes[r.tag][1], r.flag.value)
            for r in readings
            if r.tag in routes
        ]
        return SampleBatch.from_rows(rows)


def resolve(actor: Actor, plants: list[LinePlant]) -> list[LineFeed]:
    """Look up each demo line's tags and sources (the demo data set must be built)."""
    feeds = []
    for item in plants:
        line = plant_queries.lines(actor).get(
            enterprise__name_zh=item.enterprise.name_zh, code=item.line.code
        )
        codes = dict(
            plant_queries.tags(actor)
            .filter(enterprise_id=line.enterprise_id)
            .values_list("code", "pk")
        )
        routes = tuple(
            (sim_code, codes[demo_code(route, item.line.code)], route.factor)
            for sim_code, route in ROUTES.items()
            if route.scope == "line" or item.feeds_site
        )
        sources = dict(plant_queries.sources(actor, line_id=line.pk).values_list("kind", "pk"))
        feeds.append(LineFeed(item, line.enterprise_id, line.pk, routes, sources))
    return feeds


def last_minute(store_reader: Callable[[list[int]], int | None], feed: LineFeed) -> int | None:
    """Epoch minute of the feed's latest stored sample, if any."""
    latest = store_reader(feed.tag_ids)
    return None if latest is None else latest // 60_000


@dataclass(frozen=True)
class Window:
    """What to fill for one line: hourly ``[start, split)``, minutes ``[split, end)``."""

    start: datetime
    split: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        """Simulated minutes in the window (the unit of progress)."""
        return int((self.end - self.start) / MINUTE)


def plan(origin: datetime, latest: datetime | None, now: datetime, minute_days: float) -> Window:
    """The gap to fill: after ``latest`` (or from ``origin``) to ``now``, minutes after ``split``.

    ``split`` is aligned to an hour so the last hourly sample and the first minute one never
    collide.
    """
    start = origin if latest is None else latest + MINUTE
    start = min(start, now)
    split = (now - timedelta(days=minute_days)).replace(minute=0, second=0, microsecond=0)
    split = min(max(split, start), now)
    return Window(start, split, now)


@dataclass(frozen=True)
class Chunk:
    """One simulate-and-write step: a line, a span, every how many minutes a sample is kept."""

    feed: LineFeed
    start: datetime
    end: datetime
    every: int

    def batch(self) -> SampleBatch:
        """Simulate the span and keep the samples."""
        return self.feed.batch(self.feed.plant.plant.simulate(self.start, self.end), self.every)


def chunks(feed: LineFeed, window: Window) -> list[Chunk]:
    """The window cut into 30-day hourly and one-day minute chunks, in time order."""
    out = []
    for start, end, every, step in (
        (window.start, window.split, 60, HOURLY_CHUNK),
        (window.split, window.end, 1, MINUTE_CHUNK),
    ):
        cursor = start
        while cursor < end:
            out.append(Chunk(feed, cursor, min(cursor + step, end), every))
            cursor = min(cursor + step, end)
    return out


def fill(work: list[Chunk], write: Callable[[SampleBatch], object], progress: Progress) -> int:
    """Simulate and write the chunks; returns how many samples were written.

    The next chunk is simulated in a worker thread while the current one is written (NumPy and
    SQLite both release the interpreter lock), so the two cores share the back-fill. One worker
    keeps each line's chunks in order, which the simulator's totaliser checkpoints rely on.
    """
    written = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-sim") as pool:
        pending = [pool.submit(chunk.batch) for chunk in work[:1]]
        for index, chunk in enumerate(work):
            batch = pending.pop().result()
            if index + 1 < len(work):
                pending.append(pool.submit(work[index + 1].batch))
            write(batch)
            written += len(batch)
            progress(int((chunk.end - chunk.start) / MINUTE))
    return written


def record_lab(actor: Actor, feed: LineFeed, start: datetime, end: datetime) -> int:
    """Record the simulator's lab analyses reported in ``[start, end)``; returns how many."""
    if end <= start:
        return 0
    grouped: dict[str, list[LabResult]] = {}
    for result in feed.plant.plant.lab_results(start, end):
        if result.analyte in LAB_PARAMETERS and result.material in LAB_SOURCES:
            grouped.setdefault(result.sample_id, []).append(result)
    existing = set(
        plant_queries.lab_analyses(actor, line_id=feed.line_id).values_list("sample_id", flat=True)
    )
    recorded = 0
    for sample_id, results in grouped.items():
        code = f"{feed.plant.line.code}-{sample_id}"
        if code in existing:
            continue
        first = results[0]
        lab.record_lab_analysis(
            actor,
            enterprise_id=feed.enterprise_id,
            line_id=feed.line_id,
            source_id=feed.sources[LAB_SOURCES[first.material]],
            sample_id=code,
            material=first.material,
            sampled_at=min(first.period_end - MINUTE, first.reported_at),
            analysed_at=first.reported_at,
            method_standard=first.method,
            results=[
                lab.ResultInput(
                    LAB_PARAMETERS[r.analyte], r.value, r.unit, r.standard_uncertainty, r.method
                )
                for r in results
            ],
        )
        recorded += 1
    return recorded
