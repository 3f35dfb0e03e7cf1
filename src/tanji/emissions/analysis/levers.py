"""Reduction-potential diagnosis of a line over the last year of stored data (R8.1).

The baseline is read from what the platform holds: clinker from the totaliser, fuel and
electricity CO2 from the day totals at the clinker boundary, coal NCV and clinker oxides from the
latest lab results (library or standards §10 defaults when none), refuse heat from the refuse
totalisers × their NCV, electricity from its CO2 over the grid factor. Only the days the engine
computed (stored CO2) count, clinker and refuse included, and savings are scaled from them to a
year (ADR 0202); the levers themselves are
:func:`tanji.analytics.levers.levers` over the accounting core's formulas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.db import connection

from tanji.analytics.errors import AnalyticsError
from tanji.analytics.levers import Baseline, Lever, Settings, levers
from tanji.emissions.analysis.daily import Daily, daily
from tanji.emissions.analysis.outlook import year_bounds
from tanji.emissions.services import library
from tanji.plant import queries as plant_queries
from tanji.plant.models import ProductionLine
from tanji.tenancy.actor import Actor
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.samples import Resolution
from tanji.timeseries.store import store_for

#: Used when the lab holds no clinker analysis (standards §10 typical values, [I]).
CLINKER_DEFAULTS = {"cao": 0.655, "non_carbonate_cao": 0.012, "mgo": 0.022}
MGO_NC_DEFAULT = 0.003
REFUSE = {"MSW-TOT": ("msw", 12.0), "CLOTH-TOT": ("cloth_strips", 16.5)}  # NCV defaults GJ/t
GRID_KEY = "grid.national"
#: Relative standard uncertainties of the baseline inputs (ADR 0202): class-0.5 scales, lab NCV,
#: coal CO2 as in standards TV-09 (2.37 %), refuse heat and non-carbonate CaO as estimates.
U_REL = {"clinker_t": 0.005, "ncv_gj_per_t": 0.01, "fossil_fuel_co2_t": 0.0237,
         "alternative_heat_gj": 0.1, "cao_nc_fraction": 0.1, "electricity_mwh": 0.005}  # fmt: skip


@dataclass(frozen=True)
class Diagnosis:
    """A line's levers, largest first, with the baseline they act on (per year)."""

    line_id: int
    data_days: int
    baseline_co2_t_per_year: float
    levers: list[Lever]
    after_co2_t_per_year: float
    heat_gj_per_t: float


def latest_lab_value(
    actor: Actor, line_id: int, material: str, parameter: str, default: float
) -> float:
    """The line's latest lab value of a material's parameter (``%`` as a fraction), or default."""
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


def _refuse_heat_gj(actor: Actor, line_id: int, prefix: str, days: np.ndarray) -> float:
    """Heat of the refuse fired on ``days`` (day starts): totaliser increase × NCV."""
    store = store_for(connection)
    heat = 0.0
    for tag in plant_queries.tags(actor, line_id=line_id).filter(
        code__in=[prefix + s for s in REFUSE]
    ):
        material, ncv = REFUSE[tag.code.removeprefix(prefix)]
        rollups = store.read_rollups(tag.pk, Resolution.DAY, int(days.min()), int(days.max()) + 1)
        mass = float(rollups.increase[np.isin(rollups.bucket, days)].sum())
        heat += mass * latest_lab_value(actor, line_id, material, "ncv", ncv)
    return heat


def _carbon_per_gj(actor: Actor, line_id: int, ncv_gj_per_t: float, on: dt.date) -> float:
    """Coal carbon per unit heat: the lab's carbon mass fraction over NCV, else the default."""
    carbon = latest_lab_value(actor, line_id, "coal", "carbon_mass_fraction", 0.0)
    if carbon > 0:
        return carbon / ncv_gj_per_t
    return library().lookup("fuel.gbt32151_2015.bituminous_coal.carbon_content", on).value


def _baseline(actor: Actor, line: ProductionLine, seen: Daily, computed: np.ndarray) -> Baseline:
    """The line's computed days as the levers' baseline (ADR 0202)."""
    on = dt.datetime.fromtimestamp(int(seen.days[-1]) / 1000, UTC).date()
    books = library()
    grid = books.lookup(GRID_KEY, on).value
    zero = np.zeros(seen.days.size)
    ncv = latest_lab_value(actor, line.pk, "coal", "ncv", 22.5)
    oxides = {
        name: latest_lab_value(actor, line.pk, "clinker", name, default)
        for name, default in CLINKER_DEFAULTS.items()
    }
    return Baseline(
        period_days=float(computed.sum()),
        clinker_t=float(seen.clinker_t[computed].sum()),
        fossil_fuel_co2_t=float(seen.by_category.get("fuel", zero)[computed].sum()),
        ncv_gj_per_t=ncv,
        carbon_tc_per_gj=_carbon_per_gj(actor, line.pk, ncv, on),
        oxidation=books.lookup("fuel.kiln_coal.oxidation_rate", on).value,
        alternative_heat_gj=_refuse_heat_gj(actor, line.pk, f"{line.code}-", seen.days[computed]),
        cao_fraction=oxides["cao"],
        cao_nc_fraction=oxides["non_carbonate_cao"],
        mgo_fraction=oxides["mgo"],
        mgo_nc_fraction=MGO_NC_DEFAULT,
        electricity_mwh=float(seen.by_category.get("electricity", zero)[computed].sum()) / grid,
        grid_factor_tco2_per_mwh=grid,
        u_rel=U_REL,
    )


def diagnosis(
    actor: Actor, line_id: int, *, at: datetime | None = None, settings: Settings | None = None
) -> Diagnosis:
    """Levers of a line over the 365 days before today (local), scaled to a year."""
    line = plant_queries.line(actor, line_id)
    _, today, _ = year_bounds(at or datetime.now(UTC))
    seen = daily(actor, line.enterprise_id, line.pk, today - 365 * DAY_MS, today)
    computed = seen.co2_t > 0  # days the engine computed; clinker is paired with them
    if not computed.any():
        raise AnalyticsError(
            "analytics.no_production", "no clinker produced or planned in the period"
        )
    base = _baseline(actor, line, seen, computed)
    found = levers(base, settings)
    scale = 365.0 / base.period_days
    total = float(seen.co2_t.sum()) * scale
    saved = sum(lever.saving_t_per_year for lever in found)
    return Diagnosis(
        line.pk, int(base.period_days), total, found, total - saved, base.heat_gj_per_t
    )
