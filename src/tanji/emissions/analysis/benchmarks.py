"""Intensity benchmarking of lines or enterprises among the peers the actor sees (R8.1, R8.2).

A regulator sees its province's enterprises, an enterprise user its own lines: the ranking is
among those. Intensities are at the clinker boundary: CO2 per tonne of clinker from the stored
day totals, and the fossil-fuel heat per tonne as standard coal (kgce/t), estimated from the
fuel CO2 with the library's coal carbon content and kiln oxidation rate (GB/T 32151.8-2015
App. B, ADR 0202) — an estimate next to the reference values, which keep their confidence tags.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Sum

from tanji.accounting.fuel import CO2_PER_C
from tanji.analytics.benchmark import Reference, rank, references, standard_coal_kgce_per_t
from tanji.emissions.analysis.daily import clinker_daily
from tanji.emissions.models import EmissionTotal
from tanji.emissions.services import library
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries.rollups import DAY_MS

COAL_CARBON_KEY = "fuel.gbt32151_2015.bituminous_coal.carbon_content"
COAL_OXIDATION_KEY = "fuel.kiln_coal.oxidation_rate"


@dataclass(frozen=True)
class Peer:
    """One line or enterprise with its intensities and place among the peers."""

    enterprise_id: int
    line_id: int | None
    name: str
    clinker_t: float
    co2_t: float
    intensity_t_per_t: float | None
    coal_kgce_per_t: float | None
    rank: int | None
    percentile: float | None


@dataclass(frozen=True)
class Benchmarking:
    """Peers ranked by clinker-boundary CO2 intensity, and the reference values."""

    level: str
    start_ms: int
    end_ms: int
    peers: list[Peer]
    references: list[Reference]


def _fuel_tco2_per_gj(on: dt.date) -> float:
    books = library()
    carbon = books.lookup(COAL_CARBON_KEY, on).value
    return carbon * books.lookup(COAL_OXIDATION_KEY, on).value * CO2_PER_C


def benchmarking(actor: Actor, start_ms: int, end_ms: int, level: str = "line") -> Benchmarking:
    """Rank the visible lines (or enterprises) over ``[start_ms, end_ms)``, lowest first."""
    co2: dict[tuple[int, int | None], float] = defaultdict(float)
    fuel: dict[tuple[int, int | None], float] = defaultdict(float)
    rows = EmissionTotal.objects.visible_to(actor).filter(
        boundary="clinker", period="d", bucket__gte=start_ms, bucket__lt=end_ms
    )
    for row in rows.values("enterprise_id", "line_id", "category").annotate(t=Sum("co2_t")):
        key = (row["enterprise_id"], row["line_id"] if level == "line" else None)
        co2[key] += float(row["t"])
        if row["category"] == "fuel":
            fuel[key] += float(row["t"])
    names, clinker = _names_and_clinker(actor, start_ms, end_ms, level)
    ef = _fuel_tco2_per_gj(dt.datetime.fromtimestamp(end_ms / 1000, dt.UTC).date())
    intensity = {k: co2[k] / clinker[k] for k in names if clinker.get(k, 0.0) > 0}
    places = {r.name: r for r in rank({str(k): v for k, v in intensity.items()})}
    peers = []
    for key, name in names.items():
        produced = clinker.get(key, 0.0)
        place = places.get(str(key))
        coal = standard_coal_kgce_per_t(fuel[key] / ef, produced) if produced > 0 else None
        peers.append(
            Peer(key[0], key[1], name, produced, co2[key], intensity.get(key), coal,
                 place.rank if place else None, place.percentile if place else None)
        )  # fmt: skip
    peers.sort(key=lambda p: (p.rank is None, p.rank or 0, p.name))
    refs = references("co2_t_per_t") + references("coal_kgce_per_t")
    return Benchmarking(level, start_ms, end_ms, peers, refs)


def _names_and_clinker(
    actor: Actor, start_ms: int, end_ms: int, level: str
) -> tuple[dict[tuple[int, int | None], str], dict[tuple[int, int | None], float]]:
    days = np.arange(start_ms, end_ms, DAY_MS, dtype=np.int64)
    names: dict[tuple[int, int | None], str] = {}
    clinker: dict[tuple[int, int | None], float] = defaultdict(float)
    enterprises = {e.pk: str(e) for e in tenancy_queries.enterprises(actor)}
    for line in plant_queries.lines(actor):
        if line.enterprise_id not in enterprises:
            continue
        key = (line.enterprise_id, line.pk if level == "line" else None)
        names[key] = enterprises[line.enterprise_id] + (f" {line.code}" if level == "line" else "")
        clinker[key] += float(clinker_daily(actor, line.enterprise_id, line.pk, days).sum())
    return names, clinker
