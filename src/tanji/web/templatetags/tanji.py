"""Template filters: ECharts options as JSON attributes, figures with unit and ±U (k=2)."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder

register = template.Library()

#: Coverage factor of the expanded uncertainties shown next to figures (JJF 1059.1 §5.3).
COVERAGE_K = 2


@register.filter
def chart_json(option: dict[str, Any]) -> str:
    """An option dict as JSON for ``data-chart-options`` (autoescaped by the template)."""
    return json.dumps(option, cls=DjangoJSONEncoder, ensure_ascii=False)


@register.simple_tag
def figure(
    value: float | None,
    unit: str,
    u: float | None = None,
    digits: int = 3,
    expanded: bool = False,
) -> str:
    """``22.5 ± 0.24 GJ/t`` — the value, its expanded uncertainty U = k·u (k=2), its unit.

    ``u`` is a standard uncertainty, or already the expanded one when ``expanded`` is true (the
    emission engine stores U).
    """
    if value is None:
        return "—"
    text = f"{value:.{digits}g}"
    if "e" in text:  # large figures in full, never in exponent notation
        text = _plain(value)
    if u is not None:
        big_u = u if expanded else COVERAGE_K * u
        text += f" ± {_plain(float(f'{big_u:.2g}'))}"
    return f"{text} {unit}".strip()


def _plain(value: float) -> str:
    """A number without exponent notation (integers without a decimal point)."""
    text = f"{value:g}"
    return f"{value:.0f}" if "e" in text or value == int(value) else text
