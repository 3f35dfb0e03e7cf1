"""Adapters between sibling layer-4 packages (see :mod:`tanji.web.apps`)."""

from __future__ import annotations

from tanji.emissions import services as emissions_services
from tanji.ingest.listeners import CommittedData
from tanji.timeseries.samples import ts_ms


def emissions_listener(event: CommittedData) -> None:
    """Recompute the hours a committed batch can change (its time range is inclusive)."""
    emissions_services.on_samples_committed(
        event.enterprise_id, sorted(event.tag_ids), ts_ms(event.start), ts_ms(event.end) + 1
    )
