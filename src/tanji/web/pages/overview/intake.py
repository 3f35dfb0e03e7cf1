"""Data intake of the last hour per enterprise, by trust level (R6.1, R9.4).

Shows where the figures come from: signed terminal batches (each one logged and receipted) and
unsigned HJ 212 uploads, with their sample counts and the latest arrival, so a reader sees at a
glance that live data arrives and how far it can be trusted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Sum

from tanji.evidence import queries as evidence_queries
from tanji.evidence.choices import TrustLevelChoices
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor

WINDOW = timedelta(hours=1)
MAX_ENTERPRISES = 20
#: Signed at the source: a terminal's key or the person's own key (ADR 0231).
_SIGNED = frozenset({TrustLevelChoices.SIGNED, TrustLevelChoices.USER_SIGNED})


def intake_rows(actor: Actor, now: datetime | None = None) -> list[dict[str, Any]]:
    """Per visible enterprise: envelopes and samples in the last hour per trust level."""
    since = (now or datetime.now(UTC)) - WINDOW
    enterprises = list(tenancy_queries.enterprises(actor)[:MAX_ENTERPRISES])
    counts = (
        evidence_queries.received(actor)
        .filter(received_at__gte=since, enterprise_id__in=[e.pk for e in enterprises])
        .values("enterprise_id", "trust_level")
        .annotate(envelopes=Count("id"), samples=Sum("sample_count"), last=Max("received_at"))
    )
    by_enterprise: dict[int, dict[str, Any]] = {}
    for row in counts:
        by_enterprise.setdefault(row["enterprise_id"], {})[row["trust_level"]] = row
    out = []
    for enterprise in enterprises:
        levels = by_enterprise.get(enterprise.pk, {})
        signed_levels = [v for k, v in levels.items() if k in _SIGNED]
        unsigned = [v for k, v in levels.items() if k not in _SIGNED]
        lasts = [v["last"] for v in levels.values()]
        out.append(
            {
                "name": str(enterprise),
                "signed_envelopes": sum(v["envelopes"] for v in signed_levels),
                "signed_samples": sum(v["samples"] or 0 for v in signed_levels),
                "unsigned_envelopes": sum(v["envelopes"] for v in unsigned),
                "unsigned_samples": sum(v["samples"] or 0 for v in unsigned),
                "last": max(lasts) if lasts else None,
            }
        )
    return out
