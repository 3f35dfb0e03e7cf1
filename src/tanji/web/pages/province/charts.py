"""The province map: Hubei's prefectures shaded by clinker capacity, enterprises as markers.

The outlines are GeoJSON built into the static files from a pinned npm package
(``scripts/assets`` → ``vendor/hubei.geo.json``), so the map works offline; the enterprise
markers sit at their city seats from :mod:`tanji.tenancy.geography`, whose Chinese names are
the region names of the outline file. Should the outline file not load, the page draws
:func:`province_scatter` instead — the same markers on longitude/latitude axes — with a note.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tanji.tenancy.geography import HUBEI_CITIES

#: The name the page registers the outlines under (``data-chart-map``).
MAP_NAME = "hubei"


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


def capacity_by_city(points: Iterable[EnterprisePoint]) -> dict[str, float]:
    """Clinker capacity (t/d) per prefecture, every prefecture present (0 where none)."""
    totals: dict[str, float] = defaultdict(float)
    for point in points:
        totals[point.city] += point.capacity_t_per_d
    return {city.name_zh: totals.get(city.name_zh, 0.0) for city in HUBEI_CITIES}


def _markers(points: Iterable[EnterprisePoint]) -> list[dict[str, Any]]:
    """Enterprise markers: [longitude, latitude, capacity], sized by capacity."""
    return [
        {
            "name": p.name,
            "value": [p.longitude, p.latitude, p.capacity_t_per_d],
            "symbolSize": symbol_size(p.capacity_t_per_d),
            "city": p.city,
            "url": p.url,
        }
        for p in points
    ]


def province_scatter(points: Iterable[EnterprisePoint]) -> dict[str, Any]:
    """ECharts option without outlines (ADR 0243): the markers on longitude/latitude axes."""
    return {
        "title": {"text": _("Enterprises by location (size: clinker capacity, t/d)")},
        "tooltip": {"trigger": "item"},
        "xAxis": {"type": "value", "scale": True, "name": _("longitude (°E)")},
        "yAxis": {"type": "value", "scale": True, "name": _("latitude (°N)")},
        "series": [
            {
                "name": _("enterprise"),
                "type": "scatter",
                "data": _markers(points),
                "label": {"show": True, "formatter": "{b}", "position": "right"},
            }
        ],
    }


def province_map(points: Iterable[EnterprisePoint]) -> dict[str, Any]:
    """ECharts option: a ``geo`` map of Hubei, a shaded ``map`` series and enterprise markers."""
    points = list(points)
    by_city = capacity_by_city(points)
    markers = _markers(points)
    unit = _("t/d")
    return {
        "title": {"text": _("Enterprises by location (shading and size: clinker capacity, t/d)")},
        "tooltip": {"trigger": "item"},
        "visualMap": {
            "min": 0,
            "max": max([*by_city.values(), 1.0]),
            "seriesIndex": 0,
            "text": [unit, ""],
            "calculable": True,
            "left": "left",
            "bottom": 10,
        },
        "geo": {"map": MAP_NAME, "roam": True, "label": {"show": False}},
        "series": [
            {
                "name": _("Clinker capacity"),
                "type": "map",
                "geoIndex": 0,
                "data": [{"name": city, "value": value} for city, value in by_city.items()],
            },
            {
                "name": _("enterprise"),
                "type": "scatter",
                "coordinateSystem": "geo",
                "data": markers,
                "label": {"show": True, "formatter": "{b}", "position": "right"},
            },
        ],
    }
