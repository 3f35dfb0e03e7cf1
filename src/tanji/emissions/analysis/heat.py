"""The heat-balance check of a line's coal scales over stored data (R8.1, ADR 0241).

Daily coal of the kiln-head and calciner scales is their totalisers' hourly counter increase,
each hour weighted by the NCV of the coal batch fired then (the latest coal analysis sampled at
or before the hour: a batch is fired from its delivery until the next); clinker is the clinker
totaliser's daily increase; refuse heat is the refuse totalisers' daily increase × their latest
NCV. :func:`tanji.analytics.anomalies.heat.heat_drift` judges the days; a drift still flagged
on the last judged day holds one alert per line (``heat_balance_drift``), resolved once the
trend is gone (after a recalibration the window still sees the drift for a few days).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.db import connection

from tanji.analytics.anomalies.heat import HeatDays, HeatDrift, HeatSettings, heat_drift
from tanji.emissions import alerts
from tanji.emissions.analysis.daily import clinker_daily
from tanji.emissions.analysis.levers import REFUSE, latest_lab_value
from tanji.emissions.analysis.outlook import year_bounds
from tanji.emissions.choices import AlertKindChoices as Kind
from tanji.plant import queries as plant_queries
from tanji.plant.models import ProductionLine
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.timeseries.rollups import DAY_MS, HOUR_MS
from tanji.timeseries.samples import Resolution, ts_ms
from tanji.timeseries.store import store_for

SOURCE = "heat_balance"
#: Days read before today: the judged window plus history for the serial correlation.
DEFAULT_DAYS = 90
SCALES = {"kiln_head": "COAL-KH", "calciner": "COAL-CA"}


def _hourly_increase(
    actor: Actor, line: ProductionLine, suffix: str, hours: np.ndarray
) -> np.ndarray:
    """Counter increase of the line's totaliser ``suffix`` in each hour (zero if absent)."""
    out = np.zeros(hours.size)
    tag = plant_queries.tags(actor).filter(line=line, code=f"{line.code}-{suffix}").first()
    if tag is None:
        return out
    rollups = store_for(connection).read_rollups(
        tag.pk, Resolution.HOUR, int(hours[0]), int(hours[-1]) + HOUR_MS
    )
    np.add.at(out, (rollups.bucket - hours[0]) // HOUR_MS, rollups.increase)
    return out


def _hourly_ncv(actor: Actor, line: ProductionLine, hours: np.ndarray) -> np.ndarray:
    """NCV of the coal batch fired in each hour (NaN before the first analysis), GJ/t."""
    rows = (
        plant_queries.lab_results(actor, parameter="ncv")
        .filter(analysis__line_id=line.pk, analysis__material="coal")
        .order_by("analysis__sampled_at", "pk")
        .values_list("analysis__sampled_at", "value")
    )
    sampled = np.array([ts_ms(at) for at, _ in rows], dtype=np.int64)
    values = np.array([float(v) for _, v in rows] + [np.nan])
    index = np.searchsorted(sampled, hours, side="right") - 1
    return np.where(index >= 0, values[index], np.nan)


def heat_days(actor: Actor, line_id: int, start_ms: int, end_ms: int) -> HeatDays:
    """The line's daily heat balance over the local days ``[start_ms, end_ms)``."""
    line = plant_queries.line(actor, line_id)
    days = np.arange(start_ms, end_ms, DAY_MS, dtype=np.int64)
    hours = np.arange(start_ms, start_ms + days.size * DAY_MS, HOUR_MS, dtype=np.int64)
    ncv = _hourly_ncv(actor, line, hours)
    coal = {
        name: _hourly_increase(actor, line, f"{suffix}-TOT", hours)
        for name, suffix in SCALES.items()
    }
    both = coal["kiln_head"] + coal["calciner"]
    heat = np.where(both > 0, both * ncv, 0.0).reshape(days.size, 24).sum(axis=1)
    daily_coal = both.reshape(days.size, 24).sum(axis=1)
    fired_ncv = np.where(daily_coal > 0, heat / np.where(daily_coal > 0, daily_coal, 1.0), np.nan)
    return HeatDays(
        days,
        coal["kiln_head"].reshape(days.size, 24).sum(axis=1),
        coal["calciner"].reshape(days.size, 24).sum(axis=1),
        fired_ncv,
        clinker_daily(actor, line.enterprise_id, line.pk, days),
        _refuse_heat(actor, line, hours, days.size),
    )


def _refuse_heat(actor: Actor, line: ProductionLine, hours: np.ndarray, size: int) -> np.ndarray:
    heat = np.zeros(size)
    for suffix, (material, default) in REFUSE.items():
        mass = _hourly_increase(actor, line, suffix, hours).reshape(size, 24).sum(axis=1)
        if mass.any():
            heat += mass * latest_lab_value(actor, line.pk, material, "ncv", default)
    return heat


def check_and_alert(
    actor: Actor,
    line_id: int,
    *,
    at: datetime | None = None,
    days: int = DEFAULT_DAYS,
    settings: HeatSettings | None = None,
) -> list[HeatDrift]:
    """Judge the ``days`` local days before today; hold or resolve the line's drift alert."""
    line = plant_queries.line(actor, line_id)
    actor.require(Action.EDIT_TAGS, line.enterprise)
    _, today, _ = year_bounds(at or datetime.now(UTC))
    balance = heat_days(actor, line.pk, today - days * DAY_MS, today)
    found = heat_drift(balance, settings)
    key = f"heat:{line.pk}"
    current = found[-1] if found and found[-1].holding else None
    if current is not None:
        scale = (
            plant_queries.tags(actor)
            .filter(line=line, code=f"{line.code}-{SCALES[current.scale]}-RATE")
            .first()
        )
        alerts.open_or_update(
            line.enterprise_id, line.pk, Kind.HEAT_BALANCE_DRIFT, key,
            (current.detected_ms, current.last_ms), tag_id=scale.pk if scale else None,
            value=current.heat_rate_per_day, severity="warn",
            detail={"source": SOURCE, "scale": current.scale, "p": current.p,
                    "share_rate_per_day": current.share_rate_per_day,
                    "since_ms": current.start_ms},
        )  # fmt: skip
    alerts.resolve_cleared(
        actor, line.enterprise_id, [Kind.HEAT_BALANCE_DRIFT], [key] if current else [],
        line_id=line.pk, source=SOURCE,
    )  # fmt: skip
    return found
