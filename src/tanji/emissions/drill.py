"""Drill-down from a counted total to its sources, a source's tags, and a tag's raw samples.

Each level answers from what is stored: counted figures per source (method, quality, ±U), the
hourly rollups of the tags bound to a source, and the samples of a tag with their evidence ids
(the signed raw envelopes the trust log holds), so any figure traces to what was received.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import Sum

from tanji.emissions.models import EmissionFigure
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import NO_EVIDENCE, Resolution
from tanji.timeseries.store import store_for

#: At most this many raw samples are returned by one drill-down.
MAX_SAMPLES = 5000


@dataclass(frozen=True)
class SourceShare:
    """A source's (or kiln stack's) counted CO2 in the window."""

    key: str
    source_id: int | None
    name: str
    category: str
    methods: list[str]
    co2_t: float
    u_t: float
    qualities: list[str]


@dataclass(frozen=True)
class TagShare:
    """A tag bound to a source, with its hourly aggregates over the window."""

    tag_id: int
    code: str
    unit: str
    aggregation: str
    hours: int
    valid_samples: int
    increase: float
    mean: float | None


@dataclass(frozen=True)
class RawSample:
    """One stored sample (current version) with its evidence id (None: none stored)."""

    ts_ms: int
    value: float
    flag: str
    evidence_id: int | None
    version: int


def sources(
    actor: Actor,
    enterprise_id: int,
    boundary: str,
    start_ms: int,
    end_ms: int,
    line_id: int | None = None,
) -> list[SourceShare]:
    """Counted CO2 per source (and kiln stack) in a boundary, largest first."""
    tenancy_queries.enterprise(actor, enterprise_id)
    rows = EmissionFigure.objects.visible_to(actor).filter(
        enterprise_id=enterprise_id,
        counted=True,
        hour__gte=start_ms,
        hour__lt=end_ms,
        **{f"in_{boundary}": True},
    )
    if line_id is not None:
        rows = rows.filter(line_id=line_id)
    grouped = rows.values("key", "source_id", "source__name_zh", "category", "method", "quality")
    shares: dict[str, SourceShare] = {}
    for r in cast(Iterable[dict[str, Any]], grouped.annotate(co2=Sum("co2_t"), u=Sum("u_t"))):
        held = shares.get(r["key"])
        shares[r["key"]] = SourceShare(
            r["key"],
            r["source_id"],
            r["source__name_zh"] or r["key"],
            r["category"],
            sorted({r["method"], *(held.methods if held else [])}),
            r["co2"] + (held.co2_t if held else 0.0),
            r["u"] + (held.u_t if held else 0.0),
            sorted({r["quality"], *(held.qualities if held else [])}),
        )
    out = list(shares.values())
    return sorted(out, key=lambda s: -abs(s.co2_t))


def tags(actor: Actor, source_id: int, start_ms: int, end_ms: int) -> list[TagShare]:
    """The tags of a source with their hourly aggregates over the window."""
    source = plant_queries.source(actor, source_id)
    store = store_for(connection)
    out = []
    for tag in plant_queries.tags(actor).filter(source=source).order_by("code"):
        r = store.read_rollups(tag.pk, Resolution.HOUR, start_ms, end_ms)
        valid = int(r.valid_count.sum())
        mean = float(r.valid_sum.sum()) / valid if valid else None
        out.append(
            TagShare(
                tag.pk,
                tag.code,
                tag.unit,
                tag.aggregation,
                len(r),
                valid,
                float(r.increase.sum()),
                mean if mean is None or math.isfinite(mean) else None,
            )
        )
    return out


def samples(actor: Actor, tag_id: int, start_ms: int, end_ms: int) -> list[RawSample]:
    """Raw samples of a visible tag (at most :data:`MAX_SAMPLES`, the earliest)."""
    tag = plant_queries.tag(actor, tag_id)
    got = store_for(connection).read_samples(tag.pk, start_ms, end_ms)
    n = min(len(got), MAX_SAMPLES)
    return [
        RawSample(
            int(got.ts[i]),
            float(got.value[i]),
            str(got.flag[i]),
            None if got.evidence_id[i] == NO_EVIDENCE else int(got.evidence_id[i]),
            int(got.version[i]),
        )
        for i in range(n)
    ]
