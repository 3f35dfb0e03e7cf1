"""Charts of the period report: emissions by category per boundary (t CO2)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tanji.accounting.period import PeriodResult
from tanji.web.pages.reports.labels import BOUNDARIES, CATEGORIES, label


def category_bars(result: PeriodResult) -> dict[str, Any]:
    """Stacked bars: one bar per boundary, one stack per emission category (t CO2)."""
    categories = sorted({c.value for r in result.boundaries.values() for c in r.by_category})
    boundaries = [b.value for b in result.boundaries]
    return {
        "title": {"text": _("Emissions by category (t CO2)"), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "xAxis": {"type": "category", "data": [label(BOUNDARIES, b) for b in boundaries]},
        "yAxis": {"type": "value", "name": "t CO2"},
        "series": [
            {
                "name": label(CATEGORIES, category),
                "type": "bar",
                "stack": "total",
                "data": [
                    round(
                        {c.value: v for c, v in result.boundaries[b].by_category.items()}.get(
                            category, 0.0
                        ),
                        3,
                    )
                    for b in result.boundaries
                ],
            }
            for category in categories
        ],
    }
