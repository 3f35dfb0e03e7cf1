"""The carbon metering page's live chart: CO2 of fuel, process and electricity over recent hours.

The option is served as JSON (``pages:metering_chart``) and refreshed by ``charts.js`` through
``data-chart-url`` / ``data-chart-refresh-s``, so the page follows the live feed without reloading
(R4.1.1–R4.1.3). Each line is the counted CO2 of one source category at the enterprise boundary,
read from the emission engine's stored figures (``emissions.queries.series``).
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from tanji.emissions import charts as emission_charts, queries as emissions_queries
from tanji.errors import CodedError
from tanji.plant.choices import CategoryChoices
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, requires
from tanji.web.error_messages import translate

#: The three source types of the live chart (fuel combustion, process, purchased electricity).
CATEGORIES = (CategoryChoices.FUEL, CategoryChoices.PROCESS, CategoryChoices.ELECTRICITY)
HOUR_MS = 3_600_000
DEFAULT_HOURS = 6
MAX_HOURS = 48
REFRESH_S = 5


class ChartQueryError(CodedError):
    """A query parameter of the metering chart is not a whole number in range."""


def _int_param(request: HttpRequest, name: str, default: int | None) -> int | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ChartQueryError(
            "web.chart_param",
            "{field} must be a whole number, got {value!r}",
            field=name,
            value=raw,
        ) from None


def source_chart(
    actor: Actor, enterprise_id: int, line_id: int | None, end_ms: int, hours: int
) -> dict[str, Any]:
    """One hourly line per source category over the ``hours`` whole hours up to ``end_ms`` (t CO2).

    A line is charted within its clinker-production boundary (its own electricity included), an
    enterprise within its enterprise boundary. Figures of every method count here, as the point
    is the split by source type, not the counted total (the overview's live table holds that).
    """
    start_ms = (end_ms // HOUR_MS - hours + 1) * HOUR_MS
    stop_ms = (end_ms // HOUR_MS + 1) * HOUR_MS
    boundary = "enterprise" if line_id is None else "clinker"
    lines = []
    for category in CATEGORIES:
        scope = scope_of(enterprise_id, line_id, boundary, category.value)
        data = emissions_queries.series(actor, scope, start_ms, stop_ms, "hour")
        line = emission_charts.emission_series(data, str(category.label))["series"][-1]
        lines.append(line | {"name": str(category.label), "id": category.value})
    return {
        "title": {"text": _("CO2 by source type, recent hours"), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": "t CO2"},
        "series": lines,
        "meta": {"start_ms": start_ms, "end_ms": stop_ms, "boundary": boundary},
    }


def scope_of(
    enterprise_id: int, line_id: int | None, boundary: str, category: str
) -> emissions_queries.Scope:
    """The series scope of one chart line (every method's figures)."""
    return emissions_queries.Scope(enterprise_id, line_id, boundary, category, counted_only=False)


def chosen_enterprise(actor: Actor, raw: int | None) -> int | None:
    """The requested enterprise (checked visible), else the actor's first visible one."""
    if raw is not None:
        return int(tenancy_queries.enterprise(actor, raw).pk)
    first = tenancy_queries.enterprises(actor).order_by("pk").first()
    return None if first is None else int(first.pk)


@requires(Action.VIEW)
def metering_chart(request: HttpRequest) -> JsonResponse:
    """The live chart's ECharts option (``?enterprise=&line=&hours=&until=`` epoch ms)."""
    actor = actor_of(request)
    try:
        enterprise_id = chosen_enterprise(actor, _int_param(request, "enterprise", None))
        line_id = _int_param(request, "line", None)
        hours = _int_param(request, "hours", DEFAULT_HOURS) or DEFAULT_HOURS
        until = _int_param(request, "until", None) or int(time.time() * 1000)
    except ChartQueryError as error:
        body = {"code": error.code, "message": translate(error), "params": dict(error.params)}
        return JsonResponse(body, status=400)
    if enterprise_id is None:
        return JsonResponse({"series": []})
    option = source_chart(actor, enterprise_id, line_id, until, min(max(hours, 1), MAX_HOURS))
    return JsonResponse(option)
