"""Back-fill the demo lines from the simulator into the time-series store, then lab analyses.

History older than the minute horizon is written as one sample per hour (the value at the top of
the hour; totaliser registers make hourly increases exact), recent weeks as every minute — the
store keeps hour/day/month rollups of both (ADR 0061). Each line resumes after its latest stored
sample, so a second start fills only the gap. Lab analyses reported in the minute window go
through the plant services (``record_lab_analysis``), skipping sample ids already recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tanji.demo.lab_staff import lab_staff
from tanji.demo.simulation import LAB_PARAMETERS, LAB_SOURCES, ROUTES, demo_code
from tanji.evidence.attestation import Credential, submitting
from tanji.livedemo.planning import MINUTE, Chunk, ChunkKey
from tanji.livedemo.plants import LinePlant
from tanji.plant import lab, queries as plant_queries
from tanji.protocols.readings import Reading
from tanji.simulator import Frame, LabResult
from tanji.simulator.events import FLAGS
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import NO_EVIDENCE, SampleBatch, ts_ms

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


class Simulation:
    """Chunks simulated in order by one worker thread as soon as it is created.

    The worker simulates ahead while another thread writes (NumPy and SQLite release the
    interpreter lock for their heavy parts). Overlapping it with the province build instead was
    measured slower: the build is interpreter-bound and lost more than the simulation gained.
    """

    def __init__(self, work: list[Chunk], ready: dict[ChunkKey, Frame] | None = None) -> None:
        self.work = work
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-sim")
        self._frames = [self._submit(chunk, (ready or {}).get(chunk.key)) for chunk in work]

    def _submit(self, chunk: Chunk, frame: Frame | None) -> Future[Frame]:
        """The chunk's frame: simulated in the worker, or one simulated ahead elsewhere."""
        if frame is None:
            return self._pool.submit(chunk.frame)
        done: Future[Frame] = Future()
        done.set_result(frame)
        return done

    @property
    def minutes(self) -> int:
        """Simulated minutes of all chunks."""
        return sum(chunk.minutes for chunk in self.work)

    def frames(self) -> Iterator[tuple[Chunk, Frame]]:
        """Each chunk with its frame, in order, waiting for the worker where needed."""
        for chunk, future in zip(self.work, self._frames, strict=True):
            yield chunk, future.result()
        self._pool.shutdown()

    def cancel(self) -> None:
        """Drop what is not simulated yet and wait for the worker (on an error or Ctrl-C)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def fill(
    simulation: Simulation,
    feeds: dict[str, LineFeed],
    write: Callable[[SampleBatch], object],
    progress: Progress,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Write every simulated chunk to its line's tags; returns how many samples were written.

    ``stop`` is asked before each chunk: a background fill ends early when the demo stops.
    """
    written = 0
    for chunk, frame in simulation.frames():
        if stop():
            break
        batch = feeds[chunk.plant.label].batch(frame)
        write(batch)
        written += len(batch)
        progress(chunk.minutes)
    return written


def record_lab(actor: Actor, feed: LineFeed, start: datetime, end: datetime) -> int:
    """Record the simulator's lab analyses reported in ``[start, end)``; returns how many.

    They are entered in the name of the enterprise's lab user and attested by the platform as
    entered by this command (ADR 0210), so a process-emission bundle of the demo verifies.
    """
    if end <= start:
        return 0
    with submitting(Credential("platform_command", "command:demo")):
        return _record_lab(lab_staff(actor, feed.enterprise_id), feed, start, end)


def _record_lab(actor: Actor, feed: LineFeed, start: datetime, end: datetime) -> int:
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
