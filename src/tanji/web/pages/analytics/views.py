"""The data-analysis page (数据分析): outlook, ranking, meter anomalies, reduction levers.

The year's outlook and warning, the intensity ranking among the peers the actor sees, the meter
anomalies of the last days and the reduction levers of a line.

An enterprise user sees its own enterprise and lines; a regulator picks any enterprise of its
province and sees the province's lines in the ranking. A section whose data is too thin (a line
with under a week of totals) shows the coded error, translated, instead of a chart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tanji.analytics.anomalies import AnomalyKind
from tanji.emissions.analysis import benchmarks, levers, meters, outlook
from tanji.errors import CodedError
from tanji.plant import queries as plant_queries
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.permissions import Action
from tanji.timeseries.samples import ts_ms
from tanji.web.access import actor_of, requires
from tanji.web.error_messages import translate
from tanji.web.pages.analytics import charts

T = TypeVar("T")
ANOMALY_DAYS = 2  # inside the demo's minute-resolution horizon (3 days)
RANKING_DAYS = 30


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    kinds = {
        AnomalyKind.STUCK: _("Stuck value"),
        AnomalyKind.SPIKE: _("Spike"),
        AnomalyKind.DRIFT: _("Drift against the balance"),
        AnomalyKind.COUNTER_BACKWARDS: _("Counter ran backwards"),
        AnomalyKind.GAP: _("Data gap"),
    }
    lever_names = {
        "heat": _("Heat consumption to the benchmark"),
        "biomass": _("Biomass fuel substitution"),
        "non_carbonate_cao": _("Non-carbonate CaO (carbide slag)"),
        "green_electricity": _("Green electricity"),
    }
    return {str(k): v for k, v in kinds.items()}, lever_names


def _attempt(work: Callable[[], T]) -> tuple[T | None, str | None]:
    """Run one section; a coded error becomes its translated message."""
    try:
        return work(), None
    except CodedError as error:
        return None, translate(error)


def _choice(request: HttpRequest, name: str, options: list[Any]) -> Any:
    wanted = request.GET.get(name, "")
    return next((o for o in options if str(o.pk) == wanted), options[0] if options else None)


@requires(Action.VIEW)
def analytics(request: HttpRequest) -> HttpResponse:
    """Outlook, ranking, anomalies and levers for the chosen enterprise and line."""
    actor = actor_of(request)
    enterprises = list(tenancy_queries.enterprises(actor))
    enterprise = _choice(request, "enterprise", enterprises)
    lines = (
        list(plant_queries.lines(actor).filter(enterprise_id=enterprise.pk)) if enterprise else []
    )
    line = _choice(request, "line", lines)
    now = datetime.now(UTC)
    kinds, lever_names = _labels()
    context: dict[str, Any] = {
        "enterprises": enterprises, "enterprise": enterprise, "lines": lines, "line": line,
        "kinds": kinds, "lever_names": lever_names,
    }  # fmt: skip
    ranked, context["ranking_error"] = _attempt(
        lambda: benchmarks.benchmarking(
            actor, ts_ms(now - timedelta(days=RANKING_DAYS)), ts_ms(now), "line"
        )
    )
    context["ranking"] = ranked
    context["ranking_chart"] = charts.ranking_bars(ranked) if ranked else None
    if enterprise is not None:
        context |= _outlook_section(actor, enterprise.pk, line.pk if line else None, now, request)
    if line is not None:
        context |= _line_sections(actor, line.pk, now, kinds, lever_names)
    return render(request, "web/analytics/index.html", context)


def _line_sections(
    actor: Any, line_id: int, now: datetime, kinds: dict[str, str], lever_names: dict[str, str]
) -> dict[str, Any]:
    """The anomaly timeline and the lever waterfall of one line."""
    context: dict[str, Any] = {}
    window = (ts_ms(now - timedelta(days=ANOMALY_DAYS)), ts_ms(now))
    found, context["anomaly_error"] = _attempt(lambda: meters.scan_line(actor, line_id, *window))
    context["anomalies"] = [
        (kinds.get(a.kind, a.kind), a, datetime.fromtimestamp(a.start_ms / 1000, UTC))
        for a in found or []
    ]
    context["anomaly_chart"] = charts.anomaly_timeline(found or [], kinds)
    diagnosis, context["levers_error"] = _attempt(lambda: levers.diagnosis(actor, line_id, at=now))
    context["diagnosis"] = diagnosis
    context["lever_rows"] = [
        (lever_names.get(lever.key, lever.key), lever)
        for lever in (diagnosis.levers if diagnosis else [])
    ]
    context["levers_chart"] = (
        charts.lever_waterfall(diagnosis.baseline_co2_t_per_year, diagnosis.levers, lever_names)
        if diagnosis
        else None
    )
    return context


def _warning_label(level: str) -> str:
    return {
        "ok": _("Within the target"),
        "watch": _("Watch: the upper bound exceeds the target"),
        "exceed": _("Projected to exceed the target"),
    }[level]


def _quota(request: HttpRequest) -> float | None:
    """The annual quota typed into the form (t CO2), if a positive number."""
    try:
        value = float(request.GET.get("quota", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def _outlook_section(
    actor: Any, enterprise_id: int, line_id: int | None, now: datetime, request: HttpRequest
) -> dict[str, Any]:
    """The year's forecast chart, projections against quota and target, and the months."""
    quota = _quota(request)
    year, error = _attempt(
        lambda: outlook.outlook(actor, enterprise_id, line_id, at=now, quota_t=quota)
    )
    return {
        "outlook": year,
        "outlook_error": error,
        "quota": quota,
        "warning_label": _warning_label(year.intensity.level) if year else "",
        "quota_label": _warning_label(year.year.level) if year and quota else "",
        "outlook_chart": charts.forecast_band(year) if year else None,
        "months": [
            (datetime.fromtimestamp(m.month_ms / 1000, UTC), m)  # shown in local time
            for m in (year.months if year else [])
        ],
    }
