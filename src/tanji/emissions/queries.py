"""Tenant-scoped reads of the emission engine for pages, API and reports (Actor first).

``summary`` (today / month / year to date at both boundaries), ``series`` (any range, the
resolution chosen from its length), ``comparison`` (CEMS vs accounting vs model) and the
drill-down (total → sources → tags → raw samples with evidence ids). Days, months and years are
Beijing-local, like the stored totals.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np
from django.db import connection
from django.db.models import QuerySet, Sum

from tanji.emissions.choices import QualityChoices as Q, worst_quality
from tanji.emissions.drill import (
    samples as drill_samples,
    sources as drill_sources,
    tags as drill_tags,
)
from tanji.emissions.models import FIGURE_COLUMNS, Alert, EmissionFigure, EmissionTotal
from tanji.emissions.series import Scope, comparison, pick_resolution, series
from tanji.errors import CodedError
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries import rollups
from tanji.timeseries.samples import Resolution, ts_ms
from tanji.timeseries.store import store_for

__all__ = [
    "BoundaryFigure",
    "PeriodSummary",
    "Scope",
    "Summary",
    "alerts",
    "comparison",
    "drill_down",
    "drill_samples",
    "drill_sources",
    "drill_tags",
    "figures",
    "hourly_figures",
    "period_bounds",
    "pick_resolution",
    "series",
    "summary",
    "totals",
]
BOUNDARIES = ("clinker", "enterprise")


def figures(actor: Actor) -> QuerySet[EmissionFigure]:
    """Hourly figures of the enterprises the actor sees."""
    return EmissionFigure.objects.visible_to(actor)


FIGURES_MAX_MS = 14 * rollups.DAY_MS


def hourly_figures(
    actor: Actor, enterprise_id: int, start_ms: int, end_ms: int, line_id: int | None = None
) -> list[dict[str, Any]]:
    """Every hourly figure of ``[start_ms, end_ms)`` (each source and method), hour then key.

    Raises:
        CodedError: ``emissions.range_too_long`` beyond 14 days (use the series or totals).
    """
    if end_ms - start_ms > FIGURES_MAX_MS:
        raise CodedError(
            "emissions.range_too_long",
            "hourly figures: at most {days} days, asked for {asked_h} h",
            days=FIGURES_MAX_MS // rollups.DAY_MS,
            asked_h=(end_ms - start_ms) // rollups.HOUR_MS,
        )
    tenancy_queries.enterprise(actor, enterprise_id)  # 404 unless visible
    rows = figures(actor).filter(enterprise_id=enterprise_id, hour__gte=start_ms, hour__lt=end_ms)
    if line_id is not None:
        rows = rows.filter(line_id=plant_queries.line(actor, line_id).pk)
    return list(rows.order_by("hour", "key", "method").values(*FIGURE_COLUMNS))


def totals(actor: Actor) -> QuerySet[EmissionTotal]:
    """Day and month totals of the enterprises the actor sees."""
    return EmissionTotal.objects.visible_to(actor)


def alerts(actor: Actor, *, state: str | None = None) -> QuerySet[Alert]:
    """Alerts the actor sees, newest first (``state``: only those in that state)."""
    result = Alert.objects.visible_to(actor).order_by("-last_hour", "-pk")
    return result.filter(state=state) if state else result


@dataclass(frozen=True)
class BoundaryFigure:
    """Counted CO2 of a boundary in a period, with its split, quality and trust level.

    ``trust_level`` is ``unsigned_source`` when any counted hour was computed from samples no
    source signed (HJ 212 loggers, manual readings), else ``signed_source`` (ADR 0183).
    """

    boundary: str
    co2_t: float
    u_t: float
    quality: str
    by_category: dict[str, float]
    by_method: dict[str, float]
    intensity_t_per_t_clinker: float | None
    trust_level: str = "signed_source"


@dataclass(frozen=True)
class PeriodSummary:
    """One period (``today``, ``month``, ``ytd``) of a summary."""

    period: str
    start_ms: int
    end_ms: int
    clinker_t: float
    boundaries: dict[str, BoundaryFigure]
    factor_versions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Summary:
    """Today, month to date and year to date of an enterprise or one of its lines."""

    enterprise_id: int
    line_id: int | None
    periods: list[PeriodSummary]


def period_bounds(at: datetime) -> dict[str, tuple[int, int]]:
    """Epoch-ms bounds of the local day, month and year containing ``at`` (up to the day's end)."""
    now = np.array([ts_ms(at)], np.int64)
    day = int(rollups.bucket_start(now, Resolution.DAY)[0])
    month = int(rollups.bucket_start(now, Resolution.MONTH)[0])
    local_year = (at.astimezone(UTC) + timedelta(milliseconds=rollups.LOCAL_OFFSET_MS)).year
    year = ts_ms(datetime(local_year, 1, 1, tzinfo=UTC)) - rollups.LOCAL_OFFSET_MS
    end = day + rollups.DAY_MS
    return {"today": (day, end), "month": (month, end), "ytd": (year, end)}


def summary(
    actor: Actor, enterprise_id: int, line_id: int | None = None, *, at: datetime | None = None
) -> Summary:
    """Today / month / YTD at both boundaries, by category and method, with ±U (k = 2)."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    if line_id is not None:
        plant_queries.line(actor, line_id)  # visible, or NotFound
    periods = [
        _period(actor, enterprise.pk, line_id, name, bounds)
        for name, bounds in period_bounds(at or datetime.now(UTC)).items()
    ]
    return Summary(enterprise.pk, line_id, periods)


def _scoped(actor: Actor, enterprise_id: int, line_id: int | None) -> QuerySet[EmissionFigure]:
    rows = figures(actor).filter(enterprise_id=enterprise_id, counted=True)
    return rows.filter(line_id=line_id) if line_id is not None else rows


def _period(
    actor: Actor, enterprise_id: int, line_id: int | None, name: str, bounds: tuple[int, int]
) -> PeriodSummary:
    rows = _scoped(actor, enterprise_id, line_id).filter(hour__gte=bounds[0], hour__lt=bounds[1])
    per_key: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    methods: dict[str, dict[str, float]] = {b: defaultdict(float) for b in BOUNDARIES}
    qualities: dict[str, set[str]] = {b: set() for b in BOUNDARIES}
    grouped = rows.values("key", "category", "method", "quality", "in_clinker", "in_enterprise")
    for row in cast(Iterable[dict[str, Any]], grouped.annotate(co2=Sum("co2_t"), u=Sum("u_t"))):
        for boundary in BOUNDARIES:
            if row[f"in_{boundary}"]:
                cell = per_key[(boundary, row["category"], row["key"])]
                cell[0] += row["co2"]
                cell[1] += row["u"]
                methods[boundary][row["method"]] += row["co2"]
                qualities[boundary].add(row["quality"])
    clinker = _clinker_t(actor, enterprise_id, line_id, bounds)
    result = {b: _boundary(b, per_key, methods[b], qualities[b], clinker) for b in BOUNDARIES}
    versions = sorted(set(rows.values_list("factor_version", flat=True).distinct()))
    return PeriodSummary(name, bounds[0], bounds[1], clinker, result, versions)


def _boundary(
    boundary: str,
    per_key: dict[tuple[str, str, str], list[float]],
    methods: dict[str, float],
    qualities: set[str],
    clinker_t: float,
) -> BoundaryFigure:
    by_category: dict[str, float] = defaultdict(float)
    variance = 0.0
    for (b, category, _), (co2, u) in per_key.items():
        if b == boundary:
            by_category[category] += co2
            variance += u * u  # sources independent, hours within a source correlated
    total = sum(by_category.values())
    intensity = total / clinker_t if boundary == "clinker" and clinker_t > 0 else None
    return BoundaryFigure(
        boundary,
        total,
        math.sqrt(variance),
        worst_quality(sorted(qualities)),
        dict(by_category),
        dict(methods),
        intensity,
        "unsigned_source" if Q.UNSIGNED_SOURCE in qualities else "signed_source",
    )


def _clinker_t(
    actor: Actor, enterprise_id: int, line_id: int | None, bounds: tuple[int, int]
) -> float:
    """Clinker produced in the period: the lines' clinker totalisers' counter increase."""
    tags = plant_queries.tags(actor).filter(
        enterprise_id=enterprise_id, code__endswith="-CLINKER-TOT"
    )
    if line_id is not None:
        tags = tags.filter(line_id=line_id)
    store = store_for(connection)
    return float(
        sum(
            store.read_rollups(t, Resolution.HOUR, *bounds).increase.sum()
            for t in tags.values_list("pk", flat=True)
        )
    )


def drill_down(
    actor: Actor,
    enterprise_id: int,
    start_ms: int,
    end_ms: int,
    *,
    boundary: str = "clinker",
    line_id: int | None = None,
    source_id: int | None = None,
    tag_id: int | None = None,
) -> list[Any]:
    """One level of the drill-down: a tag's raw samples, else a source's tags, else the sources.

    Total → :class:`~tanji.emissions.drill.SourceShare` → :class:`~tanji.emissions.drill.TagShare`
    → :class:`~tanji.emissions.drill.RawSample` (with evidence ids).
    """
    tenancy_queries.enterprise(actor, enterprise_id)
    if tag_id is not None:
        return list(drill_samples(actor, tag_id, start_ms, end_ms))
    if source_id is not None:
        return list(drill_tags(actor, source_id, start_ms, end_ms))
    return list(drill_sources(actor, enterprise_id, boundary, start_ms, end_ms, line_id))
