"""Time series of counted CO2 for charts: the resolution follows the range (ADR 0124).

Up to 6 hours: minutes (the kiln stack's instantaneous CEMS mass rate, for the live view);
up to 14 days: hours (figures); up to 400 days: days, beyond: months (stored totals) — at most
a few thousand points for any range up to ten years. ``comparison`` lines up the kiln stack's
three methods hour by hour with the daily deviation status (standards §7).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Sum

from tanji.accounting.cems import co2_mg_per_m3, corroboration_status
from tanji.emissions.bindings import CEMS_TAGS
from tanji.emissions.engine import CEMS_U_REL_MIN
from tanji.emissions.models import EmissionFigure, EmissionTotal
from tanji.emissions.plan import line_cems_tags
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries import rollups
from tanji.timeseries.samples import Resolution
from tanji.timeseries.store import store_for

MINUTE_LIMIT_MS = 6 * rollups.HOUR_MS
HOUR_LIMIT_MS = 14 * rollups.DAY_MS
DAY_LIMIT_MS = 400 * rollups.DAY_MS
RESOLUTIONS = ("minute", "hour", "day", "month")


@dataclass(frozen=True)
class Scope:
    """What a series sums: an enterprise, optionally one line, one boundary and one category.

    ``counted_only=False`` (hourly figures only) also sums the figures of a method that is not the
    counted one — the accounting CO2 of fuel and process under a CEMS-counted kiln stack — so a
    chart can split emissions by source type where the counted total is measured at the stack.
    """

    enterprise_id: int
    line_id: int | None = None
    boundary: str = "clinker"
    category: str | None = None
    counted_only: bool = True


@dataclass(frozen=True)
class Series:
    """Points (bucket start epoch ms, t CO2, U t) at one resolution."""

    resolution: str
    ts: list[int]
    co2_t: list[float]
    u_t: list[float]


def pick_resolution(start_ms: int, end_ms: int) -> str:
    """The resolution for a range (module docstring)."""
    span = end_ms - start_ms
    if span <= MINUTE_LIMIT_MS:
        return "minute"
    if span <= HOUR_LIMIT_MS:
        return "hour"
    return "day" if span <= DAY_LIMIT_MS else "month"


def series(
    actor: Actor, scope: Scope, start_ms: int, end_ms: int, resolution: str | None = None
) -> Series:
    """Counted CO2 of ``scope`` over ``[start_ms, end_ms)`` (resolution chosen if not given)."""
    tenancy_queries.enterprise(actor, scope.enterprise_id)  # visible, or NotFound
    chosen = resolution or pick_resolution(start_ms, end_ms)
    if chosen == "minute" and scope.line_id is not None:
        return _minutes(actor, scope.line_id, start_ms, end_ms)
    if chosen in ("minute", "hour"):
        return _hours(actor, scope, start_ms, end_ms)
    return _totals(actor, scope, "d" if chosen == "day" else "m", start_ms, end_ms)


def _hours(actor: Actor, scope: Scope, start_ms: int, end_ms: int) -> Series:
    rows = EmissionFigure.objects.visible_to(actor).filter(
        enterprise_id=scope.enterprise_id,
        hour__gte=start_ms,
        hour__lt=end_ms,
        **{f"in_{scope.boundary}": True},
    )
    if scope.counted_only:
        rows = rows.filter(counted=True)
    if scope.line_id is not None:
        rows = rows.filter(line_id=scope.line_id)
    if scope.category is not None:
        rows = rows.filter(category=scope.category)
    sums = rows.values("hour", "key").annotate(co2=Sum("co2_t"), u=Sum("u_t")).order_by("hour")
    return _collect("hour", ((r["hour"], r["co2"], r["u"]) for r in sums))


def _totals(actor: Actor, scope: Scope, period: str, start_ms: int, end_ms: int) -> Series:
    rows = EmissionTotal.objects.visible_to(actor).filter(
        enterprise_id=scope.enterprise_id,
        boundary=scope.boundary,
        period=period,
        bucket__gte=start_ms,
        bucket__lt=end_ms,
    )
    if scope.line_id is not None:
        rows = rows.filter(line_id=scope.line_id)
    if scope.category is not None:
        rows = rows.filter(category=scope.category)
    points = rows.values_list("bucket", "co2_t", "u_t").order_by("bucket")
    return _collect("day" if period == "d" else "month", points)


def _collect(resolution: str, points: object) -> Series:
    co2: dict[int, float] = defaultdict(float)
    var: dict[int, float] = defaultdict(float)
    for ts, c, u in points:  # type: ignore[attr-defined]
        co2[int(ts)] += c
        var[int(ts)] += u * u
    keys = sorted(co2)
    return Series(resolution, keys, [co2[k] for k in keys], [math.sqrt(var[k]) for k in keys])


def _minutes(actor: Actor, line_id: int, start_ms: int, end_ms: int) -> Series:
    """Kiln-stack CO2 per minute: CO2 %vol × standard dry flow (HJ 212 App. D eq. 20, 33).

    From the line's CEMS of record (its HJ 212 data logger when it has one, ADR 0235), each
    tag's values brought to the role's unit by the plan's factor (mg/m³ → %vol, m³/s → Nm³/h).
    """
    line = plant_queries.line(actor, line_id)
    ids, scale = line_cems_tags(actor, line)
    if set(ids) != set(CEMS_TAGS):
        return Series("minute", [], [], [])
    co2_tag, flow_tag = ids["co2_pct"], ids["flow_nm3_per_h"]
    store = store_for(connection)
    co2 = store.read_samples(co2_tag, start_ms, end_ms)
    flow = store.read_samples(flow_tag, start_ms, end_ms)
    common, i, j = np.intersect1d(co2.ts, flow.ts, return_indices=True)
    ok = (co2.flag[i] == "N") & (flow.flag[j] == "N")
    co2_pct = co2.value[i] * scale.get(co2_tag, 1.0)
    flow_nm3_per_h = flow.value[j] * scale.get(flow_tag, 1.0)
    mass = co2_mg_per_m3(co2_pct) * flow_nm3_per_h / 60.0 * 1e-9  # t in the minute
    u = mass[ok] * CEMS_U_REL_MIN * 2.0  # the CEMS floor of ADR 0123, expanded (k = 2)
    return Series("minute", common[ok].tolist(), mass[ok].tolist(), u.tolist())


@dataclass(frozen=True)
class Comparison:
    """The kiln stack's methods hour by hour, and the daily CEMS-vs-accounting status."""

    hours: list[int]
    by_method: dict[str, list[float | None]]
    days: list[tuple[int, float, str]]


def comparison(actor: Actor, line_id: int, start_ms: int, end_ms: int) -> Comparison:
    """CEMS vs accounting vs model for a line's kiln stack (t CO2, fossil)."""
    line = plant_queries.line(actor, line_id)
    rows = EmissionFigure.objects.visible_to(actor).filter(
        enterprise_id=line.enterprise_id, key=f"k{line.pk}", hour__gte=start_ms, hour__lt=end_ms
    )
    table: dict[int, dict[str, float]] = defaultdict(dict)
    for hour, method, co2, quality in rows.values_list("hour", "method", "co2_t", "quality"):
        table[hour][method if quality != "substituted" else "cems_substituted"] = co2
    hours = sorted(table)
    methods = ("cems", "cems_substituted", "accounting", "model")
    by_method = {m: [table[h].get(m) for h in hours] for m in methods}
    return Comparison(hours, by_method, _days(table))


def _days(table: dict[int, dict[str, float]]) -> list[tuple[int, float, str]]:
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for hour, methods in table.items():
        if "cems" in methods and "accounting" in methods:
            day = int(rollups.bucket_start(np.array([hour], np.int64), Resolution.DAY)[0])
            sums[day][0] += methods["cems"]
            sums[day][1] += methods["accounting"]
    out: list[tuple[int, float, str]] = []
    for day, (cems, calc) in sorted(sums.items()):
        if calc > 0:
            delta = cems / calc - 1.0
            out.append((day, delta, corroboration_status(delta)))
    return out
