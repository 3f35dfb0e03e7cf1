"""Back-fill planning: horizons, chunks of a fresh and of a resumed line, the two phases."""

from __future__ import annotations

import itertools
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta

import numpy as np

from tanji.livedemo.planning import (
    MINUTE,
    ChunkKey,
    cut,
    horizons,
    line_chunks,
    phases,
    ready,
    simulate_first_elsewhere,
)
from tanji.livedemo.plants import demo_plants
from tanji.simulator import Frame

ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 11, 12, 34, tzinfo=UTC)


def test_horizons_are_whole_hours_in_order() -> None:
    h = horizons(ORIGIN, NOW, minute_days=28, first_days=1)
    assert h.split == datetime(2026, 2, 11, 12, 0, tzinfo=UTC)
    assert h.recent == datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert ORIGIN <= h.split <= h.recent <= h.now == NOW
    short = horizons(NOW - timedelta(hours=5), NOW, minute_days=28, first_days=40)
    assert short.split == short.recent == short.origin  # never before the origin


def test_a_fresh_line_is_hourly_then_minutes_and_covers_everything_once() -> None:
    plant = demo_plants(ORIGIN)[0]
    h = horizons(ORIGIN, NOW, minute_days=28, first_days=1)
    chunks = line_chunks(h, plant, plant, None)
    assert chunks[0].start == ORIGIN
    assert chunks[-1].end == NOW
    assert all(a.end == b.start for a, b in itertools.pairwise(chunks))
    assert {c.every for c in chunks if c.end <= h.split} == {60}
    assert {c.every for c in chunks if c.start >= h.split} == {1}
    assert all(c.end - c.start <= timedelta(days=1) for c in chunks if c.every == 1)
    assert sum(c.minutes for c in chunks) == (NOW - ORIGIN) // MINUTE


def test_phases_write_recent_minutes_first_then_the_rest_newest_first() -> None:
    plant = demo_plants(ORIGIN)[0]
    h = horizons(ORIGIN, NOW, minute_days=28, first_days=1)
    first, rest = phases(line_chunks(h, plant, plant, None), h)
    assert [c.start for c in first] == [h.recent, h.recent + timedelta(days=1)]
    assert first[-1].end == NOW
    starts = [c.start for c in rest]
    assert starts == sorted(starts, reverse=True)
    assert rest[0].end == h.recent
    assert rest[-1].start == ORIGIN


def test_a_resumed_line_fills_after_its_latest_and_before_its_earliest_sample() -> None:
    fresh, resumed = demo_plants(ORIGIN)[:2]  # two plants stand for fresh and re-anchored
    h = horizons(ORIGIN, NOW, minute_days=28, first_days=1)
    earliest, latest = datetime(2026, 2, 1, tzinfo=UTC), NOW - timedelta(minutes=10)
    chunks = line_chunks(h, fresh, resumed, (earliest, latest))
    after = [c for c in chunks if c.plant is resumed]
    before = [c for c in chunks if c.plant is fresh]
    assert (after[0].start, after[-1].end) == (latest + MINUTE, NOW)
    assert (before[0].start, before[-1].end) == (ORIGIN, earliest)
    assert line_chunks(h, fresh, resumed, (ORIGIN, NOW + timedelta(hours=1))) == []


def test_cut_splits_minutes_at_the_recent_horizon() -> None:
    plant = demo_plants(ORIGIN)[0]
    h = horizons(ORIGIN, NOW, minute_days=2, first_days=1)
    chunks = cut(plant, h.recent - timedelta(hours=3), h.recent + timedelta(hours=2), h)
    assert [(c.start, c.end) for c in chunks] == [
        (h.recent - timedelta(hours=3), h.recent),
        (h.recent, h.recent + timedelta(hours=2)),
    ]


def test_frames_simulated_in_a_child_equal_those_simulated_here() -> None:
    h = horizons(ORIGIN, ORIGIN + timedelta(days=2, hours=3), minute_days=1, first_days=0.1)
    frames = ready(simulate_first_elsewhere(h))
    assert frames is not None
    plants = demo_plants(ORIGIN)
    first, _ = phases([c for p in plants for c in line_chunks(h, p, p, None)], h)
    assert sorted(frames) == sorted(chunk.key for chunk in first)
    chunk = first[0]
    here = chunk.frame()
    assert np.array_equal(frames[chunk.key].minutes, here.minutes)
    for tag, values in here.values.items():
        assert np.array_equal(frames[chunk.key].values[tag], values, equal_nan=True), tag


def test_a_failed_child_means_simulating_here() -> None:
    failed: Future[dict[ChunkKey, Frame]] = Future()
    failed.set_exception(RuntimeError("lost"))
    assert ready(failed) is None
    assert ready(None) is None
