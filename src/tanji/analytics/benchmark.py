"""Intensity benchmarking: rank lines and enterprises among peers and against reference values.

Reference values come from the platform's technical reference (standards §10, §3) with their
confidence tag carried over: F found in a primary text, F3 found in third-party code citing it,
R recalled and not re-verified, I an engineering estimate. A value tagged R must be shown as
such, never as an official limit. Standard coal follows GB/T 2589-2020: 1 kgce = 29.3076 MJ.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from tanji.analytics.errors import AnalyticsError

#: GB/T 2589-2020 cl. 4: the calorific value of one kilogram of standard coal, MJ.
MJ_PER_KGCE = 29.3076


class Confidence(StrEnum):
    """Confidence tags of the technical reference."""

    FOUND = "F"
    THIRD_PARTY = "F3"
    RECALLED = "R"
    INFERRED = "I"


@dataclass(frozen=True)
class Reference:
    """A reference value of an intensity, with where it comes from and how sure it is.

    Attributes:
        key: metric and meaning (``co2_clinker.typical`` …).
        metric: the metric compared (``co2_t_per_t``, ``coal_kgce_per_t`` …).
        value: the reference value (the lower edge of a band is ``low``).
        low: lower edge of a typical band (equal to ``value`` for a single value).
        high: upper edge.
        unit: unit of the metric.
        source: where the value is stated.
        confidence: confidence tag.
    """

    key: str
    metric: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    confidence: Confidence


REFERENCES: tuple[Reference, ...] = (
    Reference(
        "co2_clinker.typical", "co2_t_per_t", 0.845, 0.82, 0.87, "t CO2/t clinker",
        "standards §10: total direct CO2 of a 5000 t/d line", Confidence.INFERRED,
    ),
    Reference(
        "co2_clinker.process_default", "process_co2_t_per_t", 0.535, 0.535, 0.535,
        "t CO2/t clinker", "MEE clinker guideline default EF (standards §3)",
        Confidence.THIRD_PARTY,
    ),
    Reference(
        "coal.benchmark", "coal_kgce_per_t", 100.0, 100.0, 100.0, "kgce/t clinker",
        "NDRC energy-efficiency benchmark (standards §10)", Confidence.RECALLED,
    ),
    Reference(
        "coal.baseline", "coal_kgce_per_t", 117.0, 117.0, 117.0, "kgce/t clinker",
        "NDRC energy-efficiency baseline (standards §10)", Confidence.RECALLED,
    ),
    Reference(
        "coal.typical", "coal_kgce_per_t", 105.0, 100.0, 110.0, "kgce/t clinker",
        "standards §10: typical 5000 t/d line", Confidence.INFERRED,
    ),
    Reference(
        "heat.typical", "heat_gj_per_t", 3.1, 3.0, 3.2, "GJ/t clinker",
        "standards §10: typical 5000 t/d line", Confidence.INFERRED,
    ),
    Reference(
        "electricity.typical", "electricity_kwh_per_t", 55.0, 50.0, 60.0, "kWh/t clinker",
        "standards §10: clinker line", Confidence.INFERRED,
    ),
)  # fmt: skip


def references(metric: str) -> list[Reference]:
    """Reference values of one metric."""
    return [r for r in REFERENCES if r.metric == metric]


def reference(key: str) -> Reference:
    """One reference value by key."""
    for item in REFERENCES:
        if item.key == key:
            return item
    raise AnalyticsError("analytics.unknown_reference", "no reference value {key!r}", key=key)


def standard_coal_kgce_per_t(heat_gj: float, clinker_t: float) -> float:
    """Fuel heat per tonne of clinker in kilograms of standard coal (GB/T 2589-2020 cl. 4)."""
    if clinker_t <= 0:
        raise AnalyticsError(
            "analytics.no_production", "no clinker produced or planned in the period"
        )
    return heat_gj * 1000.0 / MJ_PER_KGCE / clinker_t


@dataclass(frozen=True)
class Ranked:
    """One peer's place: rank 1 is the lowest (best) intensity; percentile of peers it beats."""

    name: str
    value: float
    rank: int
    percentile: float


def rank(values: dict[str, float]) -> list[Ranked]:
    """Rank peers by intensity, lowest first, with their percentile rank.

    The percentile is the share of the other peers with a higher (worse) intensity, ties counted
    half (the mid-rank convention), so the best of ten scores 100 and the worst 0.
    """
    names = [n for n in values if np.isfinite(values[n])]
    if not names:
        return []
    order = sorted(names, key=lambda n: (values[n], n))
    array = np.array([values[n] for n in order])
    others = max(len(order) - 1, 1)
    result = []
    for place, name in enumerate(order, start=1):
        worse = float(np.sum(array > values[name]))
        ties = float(np.sum(array == values[name])) - 1.0
        result.append(Ranked(name, values[name], place, 100.0 * (worse + 0.5 * ties) / others))
    return result


def position(value: float, ref: Reference) -> str:
    """``below``, ``within`` or ``above`` the reference band."""
    if value < ref.low:
        return "below"
    return "above" if value > ref.high else "within"
