"""Stored day totals and clinker counters of a demo line, as the engine would leave them.

Feeding minute samples for months through the engine takes minutes; the analyses read only
day totals and the clinker totaliser's daily increase, so these are written directly: one
total per day and category, one counter sample per local day boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connection

from tanji.demo.builder import Counter
from tanji.demo.enterprises import ENTERPRISES
from tanji.demo.plant import build_plant
from tanji.emissions.models import EmissionTotal
from tanji.plant import queries as plant_queries
from tanji.plant.models import ProductionLine
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import Province
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.samples import SampleBatch
from tanji.timeseries.store import store_for
from tests.emissions.factories import demo_enterprise
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory

#: Share of the clinker-boundary CO2 per category on the reference line (standards §10).
SHARES = {"fuel": 0.355, "process": 0.6, "electricity": 0.045}


@dataclass(frozen=True)
class History:
    """What was written: the line and each day's CO2 and clinker."""

    line: ProductionLine
    days: np.ndarray
    co2_t: np.ndarray
    clinker_t: np.ndarray


def demo_line(province: Province | None = None) -> ProductionLine:
    """Line L1 of a fresh demo enterprise (in ``province`` when given)."""
    if province is None:
        enterprise = demo_enterprise(metrology=False)
    else:
        enterprise = EnterpriseFactory(province=province)
        staff = MembershipFactory(enterprise=enterprise, role=RoleChoices.METERING_STAFF).user
        build_plant(Actor.system(), Counter(), enterprise, ENTERPRISES[1], staff)
    return plant_queries.lines(Actor.system()).get(enterprise=enterprise, code="L1")


def daily_history(
    line: ProductionLine,
    first_day_ms: int,
    days: int,
    *,
    clinker_t: float = 5000.0,
    intensity: float = 0.85,
    noise: float = 0.02,
    seed: int = 1,
) -> History:
    """Write ``days`` local days of totals and clinker counter readings from ``first_day_ms``."""
    rng = np.random.default_rng(seed)
    starts = first_day_ms + DAY_MS * np.arange(days, dtype=np.int64)
    clinker = clinker_t * (1.0 + noise * rng.standard_normal(days))
    co2 = clinker * intensity * (1.0 + noise / 2 * rng.standard_normal(days))
    EmissionTotal.objects.bulk_create(
        EmissionTotal(
            enterprise_id=line.enterprise_id, line_id=line.pk, scope=f"k{line.pk}",
            boundary=boundary, period="d", bucket=int(start), category=category,
            co2_t=float(total) * share, u_t=float(total) * share * 0.02, quality="complete",
            hours=24,
        )
        for start, total in zip(starts, co2, strict=True)
        for category, share in SHARES.items()
        for boundary in ("clinker", "enterprise")
    )  # fmt: skip
    tag = plant_queries.tags(Actor.system()).get(line=line, code=f"{line.code}-CLINKER-TOT")
    register = 100_000.0 + np.concatenate(([0.0], np.cumsum(clinker)))
    # One reading at the first minute, then one at each day's last minute: each day's counter
    # increase (steps ending in the day) is that day's clinker.
    stamps = np.concatenate(([starts[0]], starts + DAY_MS - 60_000))
    store_for(connection).write(
        SampleBatch.from_rows(
            (tag.pk, int(t), float(v), "N") for t, v in zip(stamps, register, strict=True)
        )
    )
    return History(line, starts, co2, clinker)
