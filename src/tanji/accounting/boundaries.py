"""Accounting boundaries, determination methods and totals by source.

Two boundaries (GB/T 32151.8-2023 cl. 4 and App. A; national clinker guideline 2025, scope):
the clinker-production boundary (熟料生产: raw-meal and fuel preparation, kiln and calciner, cooler
and their auxiliaries) and the enterprise boundary (企业: everything of the legal entity, incl.
cement grinding, packing, owned mines and on-site vehicles). Direct sources of the clinker line
belong to both; direct sources elsewhere (forklift diesel) to the enterprise only. Electricity is
the clinker line's consumption at the clinker boundary and the net purchase (purchased − exported)
at the enterprise boundary, so each boundary counts its electricity once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from tanji.accounting.errors import AccountingError

Num = TypeVar("Num", float, npt.NDArray[np.float64])


class Boundary(enum.StrEnum):
    """Accounting boundary."""

    CLINKER = "clinker"  #: 熟料生产核算边界
    ENTERPRISE = "enterprise"  #: 企业层级核算边界


class Method(enum.StrEnum):
    """Determination route of the Hubei specification."""

    CEMS = "cems"  #: direct measurement, 直接测量法
    ACCOUNTING = "accounting"  #: accounting / material balance, 核算法
    MODEL = "model"  #: mathematical / data-driven model, 模型法


class Category(enum.StrEnum):
    """Emission-source category of GB/T 32151.8 (report table of App. A)."""

    FOSSIL_FUEL = "fossil_fuel"  #: 化石燃料燃烧
    ALTERNATIVE_FUEL = "alternative_fuel"  #: 替代燃料和废弃物中非生物质碳
    PROCESS_CARBONATE = "process_carbonate"  #: 原料碳酸盐分解
    PROCESS_TOC = "process_toc"  #: 生料中非燃料碳
    ELECTRICITY = "electricity"  #: 净购入电力
    HEAT = "heat"  #: 净购入热力
    KILN_STACK = "kiln_stack"  #: CEMS at the kiln stack: fuel and process CO2 measured together

    @property
    def direct(self) -> bool:
        """Direct (on-site) emission, as opposed to purchased electricity and heat."""
        return self not in (Category.ELECTRICITY, Category.HEAT)


class Scope(enum.StrEnum):
    """Where a source sits: on the clinker line or elsewhere in the enterprise."""

    CLINKER_LINE = "clinker_line"
    ENTERPRISE = "enterprise"


def boundaries_for(category: Category, scope: Scope) -> frozenset[Boundary]:
    """Boundaries a source counts in (GB/T 32151.8-2023 cl. 4; module docstring for the rule)."""
    if scope is Scope.ENTERPRISE:
        return frozenset({Boundary.ENTERPRISE})
    if category.direct:
        return frozenset({Boundary.CLINKER, Boundary.ENTERPRISE})
    return frozenset({Boundary.CLINKER})


@dataclass(frozen=True)
class SourceEmission:
    """The emission of one source in a period by one method.

    Attributes:
        source: stable source identifier (e.g. ``kiln_coal``).
        category: GB/T 32151.8 source category.
        method: how it was determined.
        co2_t: counted CO2, t (negative for net electricity/heat exports).
        boundaries: boundaries it counts in.
        biogenic_co2_t: memo item (alternative fuels), never counted.
    """

    source: str
    category: Category
    method: Method
    co2_t: float
    boundaries: frozenset[Boundary]
    biogenic_co2_t: float = 0.0


@dataclass(frozen=True)
class BoundaryTotal:
    """Total of a boundary with its breakdowns (GB/T 32151.8-2015 cl. 5, E = Σ sources)."""

    boundary: Boundary
    co2_t: float
    by_category: dict[Category, float] = field(default_factory=dict)
    by_method: dict[Method, float] = field(default_factory=dict)
    biogenic_co2_t: float = 0.0


def select_method(
    emissions: Iterable[SourceEmission], preference: Sequence[Method]
) -> list[SourceEmission]:
    """One figure per source: the first method of ``preference`` that has one.

    A source measured by CEMS and also accounted must not count twice; which route counts is the
    rule set's choice (accounting for ETS compliance, CEMS as corroboration).
    """
    chosen: dict[str, SourceEmission] = {}
    rank = {m: i for i, m in enumerate(preference)}
    for emission in emissions:
        if emission.method not in rank:
            continue
        held = chosen.get(emission.source)
        if held is None or rank[emission.method] < rank[held.method]:
            chosen[emission.source] = emission
    return list(chosen.values())


def boundary_total(emissions: Iterable[SourceEmission], boundary: Boundary) -> BoundaryTotal:
    """Sum the sources counting in ``boundary`` (one figure per source, see :func:`select_method`).

    Raises:
        AccountingError: a source appears twice (two methods would double count).
    """
    seen: set[str] = set()
    by_category: dict[Category, float] = {}
    by_method: dict[Method, float] = {}
    total = biogenic = 0.0
    for e in emissions:
        if boundary not in e.boundaries:
            continue
        if e.source in seen:
            raise AccountingError(
                "boundary.duplicate_source",
                "source {source!r} appears twice in the {boundary} boundary; choose one method",
                source=e.source,
                boundary=boundary.value,
            )
        seen.add(e.source)
        total += e.co2_t
        biogenic += e.biogenic_co2_t
        by_category[e.category] = by_category.get(e.category, 0.0) + e.co2_t
        by_method[e.method] = by_method.get(e.method, 0.0) + e.co2_t
    return BoundaryTotal(boundary, total, by_category, by_method, biogenic)


def emission_intensity_tco2_per_t(co2_t: Num, product_t: Num) -> Num:
    """Intensity t CO2 per t product: per t clinker (clinker boundary), per t cement (enterprise).

    The national guideline reports clinker-boundary intensity per tonne of clinker; the enterprise
    figure is per tonne of cement (or of clinker for clinker-only works).
    """
    return co2_t / product_t
