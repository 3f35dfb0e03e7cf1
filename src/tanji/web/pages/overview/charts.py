"""ECharts options of the overview and metering pages (data, tested as dicts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _


def pie(title: str, counts: Mapping[str, int]) -> dict[str, Any]:
    """A pie of labelled counts."""
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "data": [{"name": k, "value": v} for k, v in counts.items()],
            }
        ],
    }


def capacity_bars(capacity_t_per_d: Mapping[str, float]) -> dict[str, Any]:
    """Clinker design capacity per enterprise (t/d)."""
    names = list(capacity_t_per_d)
    return {
        "title": {"text": _("Clinker design capacity (t/d)"), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 20}},
        "yAxis": {"type": "value", "name": "t/d"},
        "series": [{"type": "bar", "data": [capacity_t_per_d[n] for n in names]}],
    }
