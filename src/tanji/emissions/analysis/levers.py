"""Reduction-potential diagnosis of a line over the last year of stored data (R8.1).

The baseline is read from what the platform holds: clinker from the totaliser, fuel and
electricity CO2 from the day totals at the clinker boundary, coal NCV and clinker oxides from the
latest lab results (library or standards §10 defaults when none), refuse heat from the refuse
totalisers × their NCV, electricity from its CO2 over the grid factor. Savings are scaled from
the days with data to a year (ADR 0202); the levers themselves are
:func:`tanji.analytics.levers.levers` over the accounting core's formulas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.db import connection

from tanji.analytics.levers import Baseline, Lever, Settings, levers
from tanji.emissions.analysis.daily import daily
from tanji.emissions.analysis.outlook import year_bounds
from tanji.emissions.services import library
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.samples import Resolution
from tanji.timeseries.store import store_for

#: Used when the lab holds no clinker analysis (standards §10 typical values, [I]).
CLINKER_DEFAULTS = {"cao": 0.655, "non_carbonate_cao": 0.012, "mgo": 0.022}
MGO_NC_DEFAULT = 0.003
REFUSE = {"MSW-TOT": ("msw", 12.0), "CLOTH-TOT": ("cloth_strips", 16.5)}  # NCV defaults GJ/t
GRID_KEY = "grid.national"
#: Relative standard uncertainties of the baseline inputs (ADR 0202; scales class 0.5, lab NCV).
U_REL = {"clinker_t": 0.005, "ncv_gj_per_t": 0.01, "alternative_heat_gj": 0.1,
         "cao_nc_fraction": 0.1}  # fmt: skip


@dataclass(frozen=True)
class Diagnosis:
    """A line's levers, largest first, with the baseline they act on (per year)."""

    line_id: int
    data_days: int
    baseline_co2_t_per_year: float
    levers: list[Lever]
    after_co2_t_per_year: float
    heat_gj_per_t: float


def _latest(actor: Actor, line_id: int, material: str, parameter: str, default: float) -> float:
    row = (
        plant_queries.lab_results(actor, parameter=parameter)
        .filter(analysis__line_id=line_id, analysis__material=material)
        .order_by("-analysis__analysed_at", "-pk")
        .values_list("value", "unit")
        .first()
    )
    if row is None:
        return default
    value, unit = row
    return float(value) / 100.0 if unit == "%" else float(value)


def _refuse_heat_gj(actor: Actor, line_id: int, prefix: str, start: int, end: int) -> float:
    store = store_for(connection)
    heat = 0.0
    for tag in plant_queries.tags(actor, line_id=line_id).filter(
        code__in=[prefix + s for s in REFUSE]
    ):
        material, ncv = REFUSE[tag.code.removeprefix(prefix)]
        mass = float(store.read_rollups(tag.pk, Resolution.DAY, start, end).increase.sum())
        heat += mass * _latest(actor, line_id, material, "ncv", ncv)
    return heat


def diagnosis(
    actor: Actor, line_id: int, *, at: datetime | None = None, settings: Settings | None = None
) -> Diagnosis:
    """Levers of a line over the 365 days before today (local), scaled to a year."""
    line = plant_queries.line(actor, line_id)
    _, today, _ = year_bounds(at or datetime.now(UTC))
    start = today - 365 * DAY_MS
    seen = daily(actor, line.enterprise_id, line.pk, start, today)
    ran = seen.clinker_t > 0
    data_days = max(int(ran.sum()), 1)
    on = dt.datetime.fromtimestamp(today / 1000, UTC).date()
    books = library()
    grid = books.lookup(GRID_KEY, on).value
    electricity = seen.by_category.get("electricity", np.zeros(1))
    base = Baseline(
        period_days=float(data_days),
        clinker_t=float(seen.clinker_t.sum()),
        fossil_fuel_co2_t=float(seen.by_category.get("fuel", np.zeros(1)).sum()),
        ncv_gj_per_t=_latest(actor, line.pk, "coal", "ncv", 22.5),
        carbon_tc_per_gj=books.lookup(
            "fuel.gbt32151_2015.bituminous_coal.carbon_content", on
        ).value,
        oxidation=books.lookup("fuel.kiln_coal.oxidation_rate", on).value,
        alternative_heat_gj=_refuse_heat_gj(actor, line.pk, f"{line.code}-", start, today),
        cao_fraction=_latest(actor, line.pk, "clinker", "cao", CLINKER_DEFAULTS["cao"]),
        cao_nc_fraction=_latest(
            actor, line.pk, "clinker", "non_carbonate_cao", CLINKER_DEFAULTS["non_carbonate_cao"]
        ),
        mgo_fraction=_latest(actor, line.pk, "clinker", "mgo", CLINKER_DEFAULTS["mgo"]),
        mgo_nc_fraction=MGO_NC_DEFAULT,
        electricity_mwh=float(electricity.sum()) / grid,
        grid_factor_tco2_per_mwh=grid,
        u_rel=U_REL,
    )
    found = levers(base, settings)
    scale = 365.0 / data_days
    total = float(seen.co2_t.sum()) * scale
    saved = sum(lever.saving_t_per_year for lever in found)
    return Diagnosis(line.pk, data_days, total, found, total - saved, base.heat_gj_per_t)
