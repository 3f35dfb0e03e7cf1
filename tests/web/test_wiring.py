"""The emission engine hears the ingest pipeline: committed samples become figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tanji.emissions.models import EmissionFigure
from tanji.ingest.listeners import CommittedData, _listeners, notify
from tanji.web.wiring import emissions_listener
from tests.emissions.factories import feed, simulated_line

pytestmark = pytest.mark.django_db
START = datetime(2025, 6, 2, tzinfo=UTC)


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
