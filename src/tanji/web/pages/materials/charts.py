"""ECharts options of the materials page, built as data (tested as dicts; the JS stays generic).

One chart per quality parameter the accounting uses — NCV and carbon content of fuels (GB/T
32151.8 §6.2 fuel combustion inputs), CaO and MgO of raw meal/clinker (the process-emission
inputs) — with one series per material, each point a sample, its unit in the axis name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from tanji.plant.choices import LabParameterChoices, MaterialChoices
from tanji.plant.models import LabResult

#: Parameter → unit the chart is drawn in (the only admissible unit the demo and import use).
CHARTED: dict[str, str] = {
    LabParameterChoices.NCV: "GJ/t",
    LabParameterChoices.CARBON_CONTENT: "tC/GJ",
    LabParameterChoices.CAO: "%",
    LabParameterChoices.MGO: "%",
}


def parameter_chart(parameter: str, unit: str, results: Iterable[LabResult]) -> dict[str, Any]:
    """A time-series scatter/line option: one series per material, points (sampled_at, value)."""
    series: dict[str, list[list[Any]]] = defaultdict(list)
    for result in results:
        if result.parameter == parameter and result.unit == unit:
            material = str(MaterialChoices(result.analysis.material).label)
            series[material].append([result.analysis.sampled_at.isoformat(), result.value])
    title = f"{LabParameterChoices(parameter).label} ({unit})"
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": unit, "scale": True},
        "series": [
            {"name": name, "type": "line", "showSymbol": True, "data": sorted(points)}
            for name, points in sorted(series.items())
        ],
        "aria": {"enabled": True, "label": {"description": _("Lab results over time")}},
    }


def material_charts(results: list[LabResult]) -> list[dict[str, Any]]:
    """The four charts of the materials page."""
    return [parameter_chart(p, unit, results) for p, unit in CHARTED.items()]
