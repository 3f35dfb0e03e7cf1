"""Live quantities on the carbon-flow diagram: the latest valid sample of each edge's flow tag.

For every edge carrying an instrument, the first rate tag it feeds (mass, volume or power flow)
is read from the time-series store over the hour before ``at``; the chart builders label the edge
with it. Edges without a recent valid sample get no label rather than a stale one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection

from tanji.metrology import queries
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import VALID_FLAG
from tanji.timeseries.store import store_for

__all__ = ["RATE_KINDS", "edge_quantities"]

RATE_KINDS = ("mass_flow", "volume_flow", "power")
WINDOW = timedelta(hours=1)


def edge_quantities(actor: Actor, diagram_id: int, at: datetime) -> dict[str, tuple[float, str]]:
    """Edge key → (latest valid value, unit) of its rate tag within the hour before ``at``."""
    start_ms = int((at - WINDOW).timestamp() * 1000)
    end_ms = int(at.timestamp() * 1000) + 1
    store = store_for(connection)
    result: dict[str, tuple[float, str]] = {}
    placed = queries.instruments(actor).filter(location__diagram_id=diagram_id)
    for instrument in placed.order_by("code"):
        assert instrument.location is not None
        key = instrument.location.key
        tag = instrument.tags.filter(quantity_kind__in=RATE_KINDS).order_by("code").first()
        if key in result or tag is None:
            continue
        samples = store.read_samples(tag.pk, start_ms, end_ms)
        valid = [i for i in range(len(samples)) if samples.flag[i] == VALID_FLAG]
        if valid:
            result[key] = (float(samples.value[valid[-1]]), tag.unit)
    return result
