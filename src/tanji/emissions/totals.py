"""Day and month totals per boundary and category, refreshed for the buckets a change touched.

A total sums the counted figures of its bucket (days and months are Beijing-local, like the
rollups). Uncertainty: within one source (or stack) the hours share their instruments and
factors, so their U add linearly (fully correlated, conservative); sources are independent, so
their U add in quadrature (IPCC 2006 Vol. 1 Ch. 3 Approach 1; JJF 1059.1 §5). ADR 0123.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from tanji.emissions.choices import PeriodChoices, worst_quality
from tanji.emissions.models import EmissionFigure, EmissionTotal
from tanji.timeseries import rollups
from tanji.timeseries.samples import Resolution

_RESOLUTION = {PeriodChoices.DAY: Resolution.DAY, PeriodChoices.MONTH: Resolution.MONTH}
FigureTuple = tuple[str, str, bool, bool, float, float, str, int]


def aggregate(
    figures: Iterable[FigureTuple],
) -> dict[tuple[str, str], tuple[float, float, str, int]]:
    """(boundary, category) → (CO2 t, U t, worst quality, hours) of counted figure tuples.

    Tuples are (key, category, in_clinker, in_enterprise, co2_t, u_t, quality, hour).
    """
    per_key: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    quality: dict[tuple[str, str], list[str]] = defaultdict(list)
    hours: dict[tuple[str, str], set[int]] = defaultdict(set)
    for key, category, clinker, enterprise, co2, u, state, hour in figures:
        for boundary, member in (("clinker", clinker), ("enterprise", enterprise)):
            if member:
                cell = per_key[(boundary, category, key)]
                cell[0] += co2
                cell[1] += u
                quality[(boundary, category)].append(state)
                hours[(boundary, category)].add(hour)
    out: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (boundary, category, _), (co2, u) in per_key.items():
        out[(boundary, category)][0] += co2
        out[(boundary, category)][1] += u * u
    return {
        k: (v[0], math.sqrt(v[1]), worst_quality(quality[k]), len(hours[k])) for k, v in out.items()
    }


def refresh(
    enterprise_id: int,
    line_id: int | None,
    scope: str,
    keys: set[str],
    hours: npt.NDArray[np.int64],
) -> int:
    """Rebuild the day and month totals of ``scope`` that contain any of ``hours``; rows written."""
    if not hours.size:
        return 0
    months = np.unique(rollups.bucket_start(hours, Resolution.MONTH))
    first = int(months[0])
    last = int(rollups.bucket_end(months[-1:], Resolution.MONTH)[0])
    figures = list(
        EmissionFigure.objects.filter(
            enterprise_id=enterprise_id, key__in=keys, counted=True, hour__gte=first, hour__lt=last
        ).values_list(
            "key", "category", "in_clinker", "in_enterprise", "co2_t", "u_t", "quality", "hour"
        )
    )
    stamps = np.array([f[7] for f in figures], np.int64)
    rows: list[EmissionTotal] = []
    for period, resolution in _RESOLUTION.items():
        of_figure = rollups.bucket_start(stamps, resolution)
        buckets = np.unique(rollups.bucket_start(hours, resolution)).tolist()
        for start in buckets:
            chosen = [figures[i] for i in np.flatnonzero(of_figure == start).tolist()]
            rows += _bucket(enterprise_id, line_id, scope, period, start, chosen)
        EmissionTotal.objects.filter(
            enterprise_id=enterprise_id, scope=scope, period=period, bucket__in=buckets
        ).delete()
    EmissionTotal.objects.bulk_create(rows)
    return len(rows)


def _bucket(
    enterprise_id: int,
    line_id: int | None,
    scope: str,
    period: str,
    start: int,
    figures: list[FigureTuple],
) -> list[EmissionTotal]:
    """The totals of one bucket from its counted figures."""
    return [
        EmissionTotal(
            enterprise_id=enterprise_id,
            line_id=line_id,
            scope=scope,
            boundary=boundary,
            period=period,
            bucket=start,
            category=category,
            co2_t=co2,
            u_t=u,
            quality=quality,
            hours=n,
        )
        for (boundary, category), (co2, u, quality, n) in sorted(aggregate(figures).items())
    ]
