"""Live emission figures of the overview, read from the emission engine (``tanji.emissions``).

Per enterprise and per production line: today, month to date and year to date at the
clinker-production and the enterprise boundary (R4.1), each figure in t CO2 with the engine's
expanded uncertainty U (k=2), its data quality and the clinker intensity; plus open alerts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from tanji.emissions import queries as emissions_queries
from tanji.emissions.choices import QualityChoices
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.web.pages.reports import labels

BOUNDARY_LABELS = {
    "clinker": _("Clinker-production boundary"),
    "enterprise": _("Enterprise boundary"),
}
PERIOD_LABELS = {"today": _("Today"), "month": _("Month to date"), "ytd": _("Year to date")}
#: The overview of a province lists at most this many enterprises (the province page has all).
MAX_ENTERPRISES = 20
OPEN_ALERTS_SHOWN = 10


def _periods(summary: emissions_queries.Summary) -> list[dict[str, Any]]:
    return [
        {
            "label": PERIOD_LABELS.get(p.period, p.period),
            "clinker": p.boundaries["clinker"],
            "enterprise": p.boundaries["enterprise"],
            "clinker_t": p.clinker_t,
            "quality": {
                b: ""
                if f.quality in (QualityChoices.COMPLETE, QualityChoices.UNSIGNED_SOURCE)
                else QualityChoices(f.quality).label
                for b, f in p.boundaries.items()
            },
            "unsigned": {b: f.trust_level == "unsigned_source" for b, f in p.boundaries.items()},
        }
        for p in summary.periods
    ]


def live_rows(actor: Actor, at: datetime | None = None) -> list[dict[str, Any]]:
    """One row per visible enterprise, followed by one per line of it."""
    rows = []
    for enterprise in tenancy_queries.enterprises(actor)[:MAX_ENTERPRISES]:
        total = emissions_queries.summary(actor, enterprise.pk, at=at)
        rows.append({"name": str(enterprise), "is_line": False, "periods": _periods(total)})
        for line in plant_queries.lines(actor).filter(enterprise_id=enterprise.pk):
            per_line = emissions_queries.summary(actor, enterprise.pk, line.pk, at=at)
            rows.append({"name": str(line), "is_line": True, "periods": _periods(per_line)})
    return rows


def live_context(actor: Actor, at: datetime | None = None) -> dict[str, Any]:
    """What the overview's live section renders."""
    alerts = emissions_queries.alerts(actor, state="open").select_related("line")
    return {
        "live_rows": live_rows(actor, at),
        "period_labels": list(PERIOD_LABELS.values()),
        "open_alerts": alerts[:OPEN_ALERTS_SHOWN],
    }


def source_shares(actor: Actor, at: datetime | None = None) -> list[dict[str, Any]]:
    """Today's counted CO2 per source at both boundaries, per visible enterprise (R4.1.1–3).

    Fuel combustion, process and electricity appear as the sources' categories; each share
    carries the engine's U (k=2), its methods and its data quality.
    """
    bounds = emissions_queries.period_bounds(at or datetime.now(UTC))["today"]
    rows = []
    for enterprise in tenancy_queries.enterprises(actor)[:MAX_ENTERPRISES]:
        for boundary, label in BOUNDARY_LABELS.items():
            shares = [
                {
                    "name": share.name,
                    "category": labels.label(labels.CATEGORIES, share.category),
                    "methods": [labels.label(labels.METHODS, m) for m in share.methods],
                    "co2_t": share.co2_t,
                    "u_t": share.u_t,
                }
                for share in emissions_queries.drill_sources(
                    actor, enterprise.pk, boundary, *bounds
                )
            ]
            rows.append({"enterprise": str(enterprise), "boundary": label, "shares": shares})
    return rows
