"""Overview (总览) and carbon metering (碳计量) pages over the actor's visible plants.

The overview leads with the emission engine's live figures (:mod:`.live`); both pages add the
plant's recorded facts (structure, capacities, instruments, lab results with their uncertainty).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tanji.metrology import queries as metrology_queries
from tanji.metrology.choices import CalibrationStatusChoices
from tanji.plant import queries as plant_queries
from tanji.plant.choices import SOURCE_KINDS, CategoryChoices, LabParameterChoices
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, requires
from tanji.web.pages.overview.charts import capacity_bars, pie
from tanji.web.pages.overview.intake import intake_rows
from tanji.web.pages.overview.live import live_context, source_shares
from tanji.web.pages.overview.sources_chart import REFRESH_S


@requires(Action.VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    """Key figures of the visible enterprises, instrument status and latest fuel quality."""
    actor = actor_of(request)
    lines = plant_queries.lines(actor)
    capacity = {
        str(e): float(
            lines.filter(enterprise_id=e.pk).aggregate(c=Sum("design_capacity_t_per_d"))["c"] or 0.0
        )
        for e in tenancy_queries.enterprises(actor)
    }
    instruments = metrology_queries.instruments(actor, active_only=True)
    status = Counter(instruments.values_list("calibration_status", flat=True))
    latest_ncv = (
        plant_queries.lab_results(actor, parameter=LabParameterChoices.NCV)
        .select_related("analysis", "analysis__line")
        .order_by("-analysis__sampled_at")[:5]
    )
    context: dict[str, Any] = live_context(actor) | {
        "intake_rows": intake_rows(actor),
        "enterprises": len(capacity),
        "lines": lines.count(),
        "capacity_t_per_d": sum(capacity.values()),
        "clinker_sources": plant_queries.sources(actor, boundary="clinker").count(),
        "enterprise_sources": plant_queries.sources(actor, boundary="enterprise").count(),
        "tags": plant_queries.tags(actor).filter(active=True).count(),
        "instruments": instruments.count(),
        "latest_ncv": latest_ncv,
        "capacity_chart": capacity_bars(capacity),
        "status_chart": pie(
            _("Instruments by calibration status"),
            {str(CalibrationStatusChoices(k).label): v for k, v in status.items()},
        ),
    }
    return render(request, "web/overview/overview.html", context)


@requires(Action.VIEW)
def metering(request: HttpRequest) -> HttpResponse:
    """Per line: each emission source, its category and boundaries, its tags and instruments."""
    actor = actor_of(request)
    sources = (
        plant_queries.sources(actor)
        .select_related("line", "site")
        .order_by("enterprise_id", "line_id", "code")
    )
    tags_by_source: dict[int, list[Any]] = {}
    for tag in plant_queries.tags(actor).filter(source__isnull=False, active=True):
        tags_by_source.setdefault(tag.source_id, []).append(tag)  # type: ignore[arg-type]
    instruments_by_tag: dict[int, list[str]] = {}
    for code, tag_id in metrology_queries.instruments(actor).values_list("code", "tags__id"):
        if tag_id is not None:
            instruments_by_tag.setdefault(tag_id, []).append(code)
    rows = []
    categories: Counter[str] = Counter()
    for source in sources:
        category = SOURCE_KINDS[source.kind].category
        categories[str(CategoryChoices(category).label)] += 1
        tags = tags_by_source.get(source.pk, [])
        rows.append(
            {
                "source": source,
                "category": CategoryChoices(category).label,
                "tags": [(t, instruments_by_tag.get(t.pk, [])) for t in tags],
            }
        )
    chosen = {k: request.GET[k] for k in ("enterprise", "line") if request.GET.get(k, "").isdigit()}
    context = {
        "chart_enterprises": tenancy_queries.enterprises(actor).order_by("pk"),
        "chart_lines": plant_queries.lines(actor).select_related("enterprise").order_by("pk"),
        "chosen": chosen,
        "chart_url": f"{reverse('pages:metering_chart')}?{urlencode(chosen)}",
        "chart_refresh_s": REFRESH_S,
        "rows": rows,
        "category_chart": pie(_("Emission sources by category"), categories),
        "shares": source_shares(actor),
        "intake_rows": intake_rows(actor),
    }
    return render(request, "web/overview/metering.html", context)
