"""ECharts options of the data-analysis page (data, tested as dicts; the JS stays generic)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from tanji.analytics.benchmark import Reference
from tanji.analytics.levers import Lever
from tanji.emissions.analysis.benchmarks import Benchmarking
from tanji.emissions.analysis.meters import Finding
from tanji.emissions.analysis.outlook import Outlook

TITLE = {"textStyle": {"fontSize": 14}}


def _title(text: str) -> dict[str, Any]:
    return {"text": text, **TITLE}


def forecast_band(outlook: Outlook) -> dict[str, Any]:
    """Daily CO2: history, forecast and its prediction band (a stacked area on the lower bound)."""
    history = [
        [d, round(v, 3)] for d, v in zip(outlook.history_days, outlook.history_co2_t, strict=True)
    ]
    days = outlook.forecast_days
    lower = [round(v, 3) for v in outlook.forecast_lower_t]
    width = [
        round(u - lo, 3)
        for u, lo in zip(outlook.forecast_upper_t, outlook.forecast_lower_t, strict=True)
    ]
    band = _("{coverage:.0%} prediction interval").format(coverage=outlook.coverage)
    return {
        "title": _title(_("Daily CO2 and forecast (t CO2)")),
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "data": [_("Actual"), _("Forecast"), band]},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": "t CO2"},
        "series": [
            {"name": _("Actual"), "type": "line", "showSymbol": False, "data": history},
            {"name": band, "type": "line", "stack": "band", "showSymbol": False,
             "lineStyle": {"opacity": 0}, "data": list(zip(days, lower, strict=True))},
            {"name": band, "type": "line", "stack": "band", "showSymbol": False,
             "lineStyle": {"opacity": 0}, "areaStyle": {"opacity": 0.25},
             "data": list(zip(days, width, strict=True))},
            {"name": _("Forecast"), "type": "line", "showSymbol": False,
             "lineStyle": {"type": "dashed"},
             "data": [[d, round(v, 3)] for d, v in zip(days, outlook.forecast_co2_t, strict=True)]},
        ],
    }  # fmt: skip


def _mark(ref: Reference) -> dict[str, Any]:
    return {"xAxis": ref.value, "name": f"{ref.value:g} [{ref.confidence}]"}


def ranking_bars(result: Benchmarking) -> dict[str, Any]:
    """Clinker-boundary intensity per peer, lowest first, with reference values marked."""
    ranked = [p for p in result.peers if p.intensity_t_per_t is not None]
    marks = [_mark(r) for r in result.references if r.metric == "co2_t_per_t"]
    return {
        "title": _title(_("CO2 intensity ranking (t CO2/t clinker)")),
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 160},
        "xAxis": {"type": "value", "name": "t CO2/t", "min": 0},
        "yAxis": {"type": "category", "inverse": True, "data": [p.name for p in ranked]},
        "series": [
            {
                "type": "bar",
                "name": _("Intensity"),
                "data": [round(p.intensity_t_per_t or 0.0, 4) for p in ranked],
                "markLine": {"symbol": "none", "label": {"formatter": "{b}"}, "data": marks},
            }
        ],
    }


def anomaly_timeline(findings: Sequence[Finding], kinds: dict[str, str]) -> dict[str, Any]:
    """One point per anomaly at its start, one row per tag, one colour per kind."""
    tags = sorted({f.tag_code for f in findings})
    return {
        "title": _title(_("Meter anomalies")),
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "grid": {"left": 150},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "category", "data": tags},
        "series": [
            {
                "name": label,
                "type": "scatter",
                "symbolSize": 12,
                "data": [
                    [f.start_ms, f.tag_code, round((f.end_ms - f.start_ms) / 60_000.0, 1)]
                    for f in findings
                    if f.kind == kind
                ],
            }
            for kind, label in kinds.items()
        ],
    }


def _floor(value: float) -> float:
    """``value`` rounded down to two significant digits (an axis minimum)."""
    if value <= 0:
        return 0.0
    step = 10.0 ** (math.floor(math.log10(value)) - 1)
    return math.floor(value / step) * step


def lever_waterfall(
    baseline_t: float, levers: Sequence[Lever], labels: dict[str, str]
) -> dict[str, Any]:
    """Waterfall from the baseline year through each lever's saving to what remains (t CO2/yr)."""
    names = [_("Baseline")] + [labels.get(lever.key, lever.key) for lever in levers] + [_("After")]
    base, steps, level = [0.0], [round(baseline_t, 1)], baseline_t
    for lever in levers:
        level -= lever.saving_t_per_year
        base.append(round(level, 1))
        steps.append(round(lever.saving_t_per_year, 1))
    base.append(0.0)
    steps.append(round(level, 1))
    return {
        "title": _title(_("Reduction potential (t CO2 per year)")),
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 15}},
        # Savings are a few per cent of the year: the axis starts just below what remains.
        "yAxis": {"type": "value", "name": "t CO2/a", "min": _floor(0.9 * level)},
        "series": [
            {"type": "bar", "stack": "w", "itemStyle": {"color": "transparent"}, "data": base,
             "tooltip": {"show": False}},
            {"type": "bar", "stack": "w", "name": _("t CO2 per year"), "data": steps,
             "label": {"show": True, "position": "top"}},
        ],
    }  # fmt: skip
