"""ECharts option builders for the emission series (plain dicts, tested as data).

The JavaScript stays generic: a page hands one of these dicts to ``echarts.setOption``. Times are
epoch milliseconds (ECharts' ``time`` axis); uncertainty is drawn as a band (lower bound plus
a stacked 2U area) so ±U is visible wherever a total is.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tanji.emissions.series import Comparison, Series

METHOD_COLOURS = {
    "cems": "#5470c6",
    "cems_substituted": "#91cc75",
    "accounting": "#ee6666",
    "model": "#fac858",
}


def emission_series(series: Series, title: str) -> dict[str, Any]:
    """A line of counted CO2 with its ±U band."""
    points = list(zip(series.ts, series.co2_t, series.u_t, strict=True))
    return {
        "title": {"text": title},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": "t CO2"},
        "series": [
            {
                "name": _("lower bound"),
                "type": "line",
                "stack": "band",
                "symbol": "none",
                "lineStyle": {"opacity": 0},
                "data": [[t, c - u] for t, c, u in points],
            },
            {
                "name": "±U (k=2)",
                "type": "line",
                "stack": "band",
                "symbol": "none",
                "lineStyle": {"opacity": 0},
                "areaStyle": {"opacity": 0.2},
                "data": [[t, 2 * u] for t, _c, u in points],
            },
            {
                "name": _("CO2"),
                "type": "line",
                "symbol": "none",
                "data": [[t, c] for t, c, _u in points],
            },
        ],
        "meta": {"resolution": series.resolution},
    }


def method_comparison(comparison: Comparison, title: str) -> dict[str, Any]:
    """The kiln stack by CEMS, substituted CEMS, accounting and model, hour by hour."""
    return {
        "title": {"text": title},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": list(METHOD_COLOURS)},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": "t CO2 / h"},
        "series": [
            {
                "name": method,
                "type": "line",
                "symbol": "none",
                "connectNulls": False,
                "itemStyle": {"color": colour},
                "data": [
                    [h, v]
                    for h, v in zip(comparison.hours, comparison.by_method[method], strict=True)
                ],
            }
            for method, colour in METHOD_COLOURS.items()
        ],
    }


def category_split(by_category: dict[str, float], title: str) -> dict[str, Any]:
    """A pie of counted CO2 by category (summary page)."""
    return {
        "title": {"text": title},
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": "60%",
                "data": [{"name": k, "value": round(v, 3)} for k, v in sorted(by_category.items())],
            }
        ],
    }
