import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from tanji.runtime import YOUNG_THRESHOLD, run_service, settle_heap


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector")
def test_settle_heap_freezes_what_start_up_built_and_raises_the_young_threshold() -> None:
    built_at_start_up = [object() for _ in range(1000)]
    _, middle, old = gc.get_threshold()

    settle_heap()

    assert gc.get_freeze_count() >= len(built_at_start_up)
    assert gc.get_threshold() == (YOUNG_THRESHOLD, middle, old)


@pytest.mark.usefixtures("collector")
def test_cycles_made_after_settling_are_still_collected() -> None:
    settle_heap()
    cycle = _Node()
    cycle.partner = cycle
    gone = weakref.ref(cycle)
    del cycle

    gc.collect()

    assert gone() is None


class _Node:
    partner: object = None


def test_a_service_runs_on_uvloop_and_returns_its_result() -> None:
    async def main() -> str:
        await asyncio.sleep(0)
        return type(asyncio.get_running_loop()).__module__

    assert run_service(main()).startswith("uvloop")
