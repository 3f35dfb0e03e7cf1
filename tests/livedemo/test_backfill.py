"""The conversion of simulated frames and readings into store batches, and the fill loop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from tanji.demo.enterprises import ENTERPRISES
from tanji.livedemo.backfill import LineFeed, Simulation, fill
from tanji.livedemo.planning import Horizons, cut
from tanji.livedemo.plants import anchored, demo_plants, line_parameters, line_seed
from tanji.simulator import TAGS, TagKind
from tanji.timeseries.samples import SampleBatch

ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 11, 12, 34, tzinfo=UTC)


def _feed() -> LineFeed:
    plant = demo_plants(ORIGIN)[0]
    routes = (("L1.CLK.OUT", 11, 1.0), ("L1.CEMS.PRES", 12, 1000.0), ("L1.CLK.OUT.TOT", 13, 1.0))
    return LineFeed(plant, 1, 1, routes, {})


def test_fill_writes_hourly_then_minute_samples() -> None:
    feed = _feed()
    batches: list[SampleBatch] = []
    progress: list[int] = []
    start = datetime(2026, 1, 2, tzinfo=UTC)
    end = start + timedelta(hours=3, minutes=30)
    h = Horizons(ORIGIN, start + timedelta(hours=3), end, end)
    simulation = Simulation(cut(feed.plant, start, end, h))
    written = fill(simulation, {feed.plant.label: feed}, batches.append, progress.append)
    assert sum(progress) == 210
    hourly = batches[0]
    assert set((hourly.ts // 60_000 % 60).tolist()) == {0}
    assert len(hourly) == 3 * 3
    assert len(batches[1]) == 30 * 3
    assert written == sum(len(b) for b in batches)
    pressure = batches[1].value[batches[1].tag_id == 12]
    assert np.all(pressure < -100)  # kPa gauge → Pa, a kiln tail is under suction


def test_fill_stops_before_the_next_chunk_when_asked() -> None:
    feed = _feed()
    start = datetime(2026, 1, 2, tzinfo=UTC)
    end = start + timedelta(days=3)
    simulation = Simulation(cut(feed.plant, start, end, Horizons(ORIGIN, start, end, end)))
    batches: list[SampleBatch] = []
    written = fill(
        simulation, {feed.plant.label: feed}, batches.append, lambda _: None, lambda: bool(batches)
    )
    simulation.cancel()
    assert len(batches) == 1
    assert written == len(batches[0])


def test_readings_batch_matches_frame_batch() -> None:
    feed = _feed()
    moment = datetime(2026, 1, 3, 8, 15, tzinfo=UTC)
    from_frame = feed.batch(feed.plant.plant.simulate(moment, moment + timedelta(minutes=1)))
    from_readings = feed.readings_batch(feed.plant.plant.readings_at(moment))
    order_a, order_b = np.argsort(from_frame.tag_id), np.argsort(from_readings.tag_id)
    assert from_frame.tag_id[order_a].tolist() == from_readings.tag_id[order_b].tolist()
    assert np.allclose(from_frame.value[order_a], from_readings.value[order_b])
    assert from_frame.flag[order_a].tolist() == from_readings.flag[order_b].tolist()


def test_every_demo_line_has_its_own_seed_and_scale() -> None:
    plants = demo_plants(ORIGIN)
    assert len(plants) == sum(len(e.lines) for e in ENTERPRISES) == 5
    assert len({line_seed(p.enterprise, p.line) for p in plants}) == 5
    assert sum(p.feeds_site for p in plants) == len(ENTERPRISES)
    small = next(p for p in plants if p.line.capacity_t_per_d == 2500)
    assert (
        line_parameters(small.line).clinker_t_per_h
        == line_parameters(plants[0].line).clinker_t_per_h / 2
    )


def test_anchored_plant_continues_the_registers() -> None:
    item = demo_plants(ORIGIN)[1]
    anchor = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    later = anchor + timedelta(minutes=90)
    reference = item.plant.simulate(anchor, later)
    counters = {
        tag.code: float(reference.values[tag.code][0])
        for tag in TAGS
        if tag.kind is TagKind.TOTAL_INCREASING
    }
    resumed = anchored(item, anchor, counters).plant.simulate(anchor + timedelta(minutes=1), later)
    for code in counters:
        assert np.allclose(resumed.values[code], reference.values[code][1:], rtol=1e-9), code
