"""Year-end early warnings stored as alerts (R8.1, ADR 0240).

The outlook of :mod:`tanji.emissions.analysis.outlook` judges the projected year intensity
against the intensity target (the upper edge of the typical band of standards §10 unless
given) and, when a quota is given, the projected year total against it. A periodic job turns
each judgement that is not ``ok`` into one alert per enterprise, judgement and year (``watch``
→ warning, ``exceed`` → investigate), updates it on every run and resolves it when the
projection falls back under its target — the life cycle of the engine's alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tanji.analytics.forecast import Projection, WarningLevel
from tanji.emissions import alerts
from tanji.emissions.analysis.outlook import outlook, year_bounds
from tanji.emissions.choices import AlertKindChoices as Kind, AlertSeverityChoices as Severity
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.timeseries.rollups import LOCAL_OFFSET_MS

SOURCE = "forecast"
SEVERITY = {WarningLevel.WATCH: Severity.WARN, WarningLevel.EXCEED: Severity.INVESTIGATE}


@dataclass(frozen=True)
class Judgement:
    """One projection judged by the job: which alert kind, its key and its level."""

    kind: str
    key: str
    level: str
    projection: Projection


def judge(actor: Actor, enterprise_id: int, at: datetime, quota_t: float | None) -> list[Judgement]:
    """The enterprise's year outlook at ``at``, as the judgements the job stores."""
    seen = outlook(actor, enterprise_id, at=at, quota_t=quota_t)
    year = _local_year(at)
    judged = [(Kind.FORECAST_INTENSITY, seen.intensity)]
    if quota_t is not None:
        judged.append((Kind.FORECAST_QUOTA, seen.year))
    return [
        Judgement(kind, f"{kind}:{enterprise_id}:{year}", str(p.level), p) for kind, p in judged
    ]


def raise_forecast_alerts(
    actor: Actor,
    enterprise_id: int,
    *,
    at: datetime | None = None,
    quota_t: float | None = None,
) -> list[Judgement]:
    """Store the enterprise's year-end warnings as alerts and resolve those that cleared.

    Args:
        actor: who runs the job (needs EDIT_PLANT on the enterprise, as for alert transitions).
        enterprise_id: the enterprise judged as a whole (all its lines).
        at: the moment of the judgement (default now).
        quota_t: the year's quota (t CO2); without it the quota is not judged and its alerts
            are left as they are.

    Returns:
        Every judgement made, ``ok`` ones included.
    """
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_PLANT, enterprise)
    at = at or datetime.now(UTC)
    found = judge(actor, enterprise_id, at, quota_t)
    _, today, _ = year_bounds(at)
    holding = []
    for item in found:
        if item.level == WarningLevel.OK:
            continue
        holding.append(item.key)
        alerts.open_or_update(
            enterprise_id, None, item.kind, item.key, (today, today),
            value=item.projection.mean, severity=SEVERITY[WarningLevel(item.level)],
            detail=_detail(item.projection),
        )  # fmt: skip
    alerts.resolve_cleared(
        actor, enterprise_id, [item.kind for item in found], holding, source=SOURCE
    )
    return found


def _detail(p: Projection) -> dict[str, object]:
    return {
        "source": SOURCE,
        "level": str(p.level),
        "target": p.target,
        "lower": p.lower,
        "upper": p.upper,
        "probability": p.probability,
    }


def _local_year(at: datetime) -> int:
    """The Beijing-local calendar year of ``at`` (the year the outlook projects)."""
    return datetime.fromtimestamp(at.timestamp() + LOCAL_OFFSET_MS / 1000, UTC).year
