"""The emission engine hears the ingest pipeline: committed samples become figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tanji.emissions import services
from tanji.emissions.models import EmissionFigure
from tanji.ingest.dispatch import LiveWorker
from tanji.ingest.listeners import CommittedData, _listeners, notify
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import ts_ms
from tanji.web.wiring import emissions_listener
from tests.emissions.factories import feed, record_lab, simulated_line

START = datetime(2025, 6, 2, tzinfo=UTC)
FIGURE_FIELDS = ("key", "hour", "method", "counted", "co2_t", "u_t", "quality")


@pytest.mark.django_db
def test_committed_samples_reach_the_engine_through_the_registered_listener() -> None:
    assert emissions_listener in _listeners  # registered by WebConfig.ready
    sim = simulated_line()
    feed(sim, START, START + timedelta(hours=2))
    assert not EmissionFigure.objects.filter(line=sim.line).exists()
    notify(
        CommittedData(
            enterprise_id=sim.enterprise_id,
            tag_ids=frozenset(sim.tag_ids.values()),
            start=START,
            end=START + timedelta(minutes=119),
            envelope_id=1,
        )
    )
    counted = EmissionFigure.objects.filter(line=sim.line, counted=True, key__startswith="k")
    assert counted.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_coalescing_worker_gives_what_one_batch_recomputation_gives() -> None:
    sim = simulated_line()
    end = START + timedelta(hours=6)
    record_lab(sim, START, end)
    worker = LiveWorker(window_s=0.05).start()

    def publish(enterprise: int, tags: list[int], start_ms: int, end_ms: int) -> None:
        at = datetime(1970, 1, 1, tzinfo=UTC)
        worker.put(
            CommittedData(
                enterprise,
                frozenset(tags),
                at + timedelta(milliseconds=start_ms),
                at + timedelta(milliseconds=end_ms - 1),
                envelope_id=1,
            )
        )

    try:
        feed(sim, START, end, chunk=timedelta(minutes=50), listener=publish)
        assert worker.flush(120)
    finally:
        worker.stop()
    live = sorted(EmissionFigure.objects.filter(line=sim.line).values_list(*FIGURE_FIELDS))
    assert live
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    batch = sorted(EmissionFigure.objects.filter(line=sim.line).values_list(*FIGURE_FIELDS))
    assert batch == live
