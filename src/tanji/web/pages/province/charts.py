"""The province scatter: enterprises at their city's coordinates, sized by clinker capacity.

Drawn on plain longitude/latitude axes (no map tiles or GeoJSON, so it works offline); the city
seats come from :mod:`tanji.tenancy.geography`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class EnterprisePoint:
    """One enterprise on the map."""

    name: str
    city: str
    longitude: float
    latitude: float
    capacity_t_per_d: float
    url: str


def symbol_size(capacity_t_per_d: float) -> float:
    """Marker diameter in px: area proportional to capacity, 8 px minimum."""
    return max(8.0, 4.0 * math.sqrt(capacity_t_per_d / 100.0))


def province_scatter(points: Iterable[EnterprisePoint]) -> dict[str, Any]:
    """ECharts option: x = longitude (°E), y = latitude (°N), one point per enterprise."""
    data = [
        {
            "name": p.name,
            "value": [p.longitude, p.latitude, p.capacity_t_per_d],
            "symbolSize": symbol_size(p.capacity_t_per_d),
            "city": p.city,
            "url": p.url,
        }
        for p in points
    ]
    return {
        "title": {"text": _("Enterprises by location (size: clinker capacity, t/d)")},
        "tooltip": {"trigger": "item"},
        "xAxis": {"type": "value", "name": _("Longitude (°E)"), "scale": True},
        "yAxis": {"type": "value", "name": _("Latitude (°N)"), "scale": True},
        "series": [
            {
                "type": "scatter",
                "data": data,
                "label": {"show": True, "formatter": "{b}", "position": "right"},
            }
        ],
    }
