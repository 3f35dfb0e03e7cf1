"""Province pages: the table and map of all enterprises, and a read-only drill-down.

Reachable by province and platform grants (regulator, metrology reviewer, operator): an
enterprise user gets 403. The rows come from the actor-scoped queries, so a regulator sees
exactly its province's enterprises and nothing of another province (404 on drill-down).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from tanji.metrology import queries as metrology_queries
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import ScopeChoices
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, requires
from tanji.web.pages.province.charts import EnterprisePoint, province_map, province_scatter

PROVINCE_SCOPES = frozenset({ScopeChoices.PROVINCE, ScopeChoices.PLATFORM})


def _require_province(actor: Actor) -> None:
    if not any(grant.scope in PROVINCE_SCOPES for grant in actor.grants):
        raise PermissionDenied("province scope required")


def _by_enterprise(rows: Any, **aggregates: Any) -> dict[int, dict[str, Any]]:
    result: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in rows.values("enterprise_id").annotate(**aggregates).order_by():
        result[row["enterprise_id"]] = row
    return result


@requires(Action.VIEW)
def index(request: HttpRequest) -> HttpResponse:
    """All enterprises the actor supervises: lines, capacity, instruments, latest lab sample."""
    actor = actor_of(request)
    _require_province(actor)
    lines = _by_enterprise(
        plant_queries.lines(actor), lines=Count("id"), capacity=Sum("design_capacity_t_per_d")
    )
    instruments = _by_enterprise(metrology_queries.instruments(actor), n=Count("id"))
    samples = _by_enterprise(plant_queries.lab_analyses(actor), last=Max("sampled_at"))
    rows, points = [], []
    for enterprise in tenancy_queries.enterprises(actor):
        url = reverse("pages:province_enterprise", args=[enterprise.pk])
        capacity = float(lines[enterprise.pk].get("capacity") or 0.0)
        rows.append(
            {
                "enterprise": enterprise,
                "url": url,
                "lines": lines[enterprise.pk].get("lines", 0),
                "capacity_t_per_d": capacity,
                "instruments": instruments[enterprise.pk].get("n", 0),
                "last_sample": samples[enterprise.pk].get("last"),
            }
        )
        city = enterprise.location
        if city is not None:
            name = str(enterprise)
            points.append(
                EnterprisePoint(name, city.name_zh, city.longitude, city.latitude, capacity, url)
            )
    context = {
        "rows": rows,
        "province_map": province_map(points),
        "province_scatter": province_scatter(points),
    }
    return render(request, "web/province/index.html", context)


@requires(Action.VIEW)
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    """One enterprise, read-only: its sites, lines, sources, instruments and recent analyses."""
    actor = actor_of(request)
    _require_province(actor)
    target = tenancy_queries.enterprise(actor, pk)
    context = {
        "enterprise": target,
        "lines": plant_queries.lines(actor).filter(enterprise_id=pk),
        "sources": plant_queries.sources(actor).filter(enterprise_id=pk).select_related("line"),
        "instruments": metrology_queries.instruments(actor).filter(enterprise_id=pk),
        "analyses": plant_queries.lab_analyses(actor)
        .filter(enterprise_id=pk)
        .prefetch_related("results")[:10],
    }
    return render(request, "web/province/enterprise.html", context)
