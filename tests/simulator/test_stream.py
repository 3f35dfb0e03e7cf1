"""The live stream yields on time, measured on a fake clock (no sleeping)."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tanji.simulator import Plant, SimulatorError, load_scenario
from tanji.simulator.stream import Tick, live, live_async
from tests.simulator.factories import FakeAsyncClock, FakeClock


@pytest.fixture(scope="module")
def plant() -> Plant:
    return Plant(load_scenario("normal-month"))


def _start(plant: Plant) -> datetime:
    return plant.scenario.start.astimezone(UTC) + timedelta(hours=3, seconds=17)


def test_ticks_on_the_minute_with_the_plant_values(plant: Plant) -> None:
    clock = FakeClock(_start(plant))
    ticks = list(live(plant, clock, tick_seconds=60, limit=3))
    first = _start(plant).replace(second=0) + timedelta(minutes=1)
    assert [t.time for t in ticks] == [first + timedelta(minutes=i) for i in range(3)]
    assert clock.sleeps == [t.time for t in ticks]
    values = plant.values_at(first)
    assert {r.tag: r.value for r in ticks[0].readings} == pytest.approx(values)
    assert all(r.time == first for r in ticks[0].readings)


def test_sub_minute_ticks_and_tag_selection(plant: Plant) -> None:
    clock = FakeClock(_start(plant))
    ticks = list(live(plant, clock, tick_seconds=10, tags=["L1.CEMS.CO2"], limit=4))
    assert [t.time.second for t in ticks] == [20, 30, 40, 50]
    assert all([r.tag for r in t.readings] == ["L1.CEMS.CO2"] for t in ticks)


def test_late_consumer_skips_to_the_latest_tick(plant: Plant) -> None:
    clock = FakeClock(_start(plant), oversleep=timedelta(seconds=150))
    ticks = list(live(plant, clock, tick_seconds=60, limit=2))
    assert ticks[1].time - ticks[0].time >= timedelta(minutes=2)
    assert all(t.time <= clock.now() for t in ticks)


def test_async_stream_yields_the_same_ticks(plant: Plant) -> None:
    async def collect() -> list[Tick]:
        clock = FakeAsyncClock(_start(plant))
        return [tick async for tick in live_async(plant, clock, tick_seconds=60, limit=3)]

    async_ticks = asyncio.run(collect())
    sync_ticks = list(live(plant, FakeClock(_start(plant)), tick_seconds=60, limit=3))
    assert async_ticks == sync_ticks


def test_refuses_a_tick_that_does_not_divide_a_day(plant: Plant) -> None:
    with pytest.raises(SimulatorError) as caught:
        next(live(plant, FakeClock(_start(plant)), tick_seconds=7))
    assert caught.value.code == "simulator.bad_tick"
