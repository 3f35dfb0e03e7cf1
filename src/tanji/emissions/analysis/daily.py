"""Daily CO2 and clinker of an enterprise or line, read from the stored totals and the store.

CO2 is the sum of the stored day totals (counted figures, Beijing-local days, ADR 0123) at a
boundary; clinker is the daily counter increase of the lines' clinker totalisers, as in the
engine's summary. Days without any stored total hold zero CO2 (the line did not run or was not
computed); days after ``end_ms`` are not read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Sum

from tanji.emissions.models import EmissionTotal
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.samples import Resolution
from tanji.timeseries.store import store_for

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
CLINKER_SUFFIX = "-CLINKER-TOT"


@dataclass(frozen=True)
class Daily:
    """Consecutive local days: start (UTC epoch ms), CO2 (t) and clinker (t) per day."""

    days: IntArray
    co2_t: FloatArray
    clinker_t: FloatArray
    by_category: dict[str, FloatArray]


def daily(
    actor: Actor,
    enterprise_id: int,
    line_id: int | None,
    start_ms: int,
    end_ms: int,
    boundary: str = "clinker",
) -> Daily:
    """Daily figures over the local days ``[start_ms, end_ms)`` (both day starts)."""
    tenancy_queries.enterprise(actor, enterprise_id)  # visible, or NotFound
    days = np.arange(start_ms, end_ms, DAY_MS, dtype=np.int64)
    rows = EmissionTotal.objects.visible_to(actor).filter(
        enterprise_id=enterprise_id,
        boundary=boundary,
        period="d",
        bucket__gte=start_ms,
        bucket__lt=end_ms,
    )
    if line_id is not None:
        rows = rows.filter(line_id=line_id)
    by_category: dict[str, FloatArray] = {}
    for row in rows.values("bucket", "category").annotate(co2=Sum("co2_t")).order_by():
        index = (int(row["bucket"]) - start_ms) // DAY_MS
        column = by_category.setdefault(row["category"], np.zeros(days.size))
        column[index] += float(row["co2"])
    co2 = np.sum(list(by_category.values()), axis=0) if by_category else np.zeros(days.size)
    return Daily(days, co2, clinker_daily(actor, enterprise_id, line_id, days), by_category)


def clinker_daily(
    actor: Actor, enterprise_id: int, line_id: int | None, days: IntArray
) -> FloatArray:
    """Clinker of each day: the clinker totalisers' daily counter increase."""
    out = np.zeros(days.size)
    if not days.size:
        return out
    tags = plant_queries.tags(actor).filter(
        enterprise_id=enterprise_id, code__endswith=CLINKER_SUFFIX
    )
    if line_id is not None:
        tags = tags.filter(line_id=line_id)
    store = store_for(connection)
    for tag_id in tags.values_list("pk", flat=True):
        r = store.read_rollups(tag_id, Resolution.DAY, int(days[0]), int(days[-1]) + DAY_MS)
        index = (r.bucket - days[0]) // DAY_MS
        np.add.at(out, index, r.increase)
    return out
