"""Boundary membership, method selection, totals and intensities."""

from __future__ import annotations

import pytest

from tanji.accounting.boundaries import (
    Boundary,
    Category,
    Method,
    Scope,
    SourceEmission,
    boundaries_for,
    boundary_total,
    emission_intensity_tco2_per_t,
    select_method,
)
from tanji.accounting.errors import AccountingError

BOTH = frozenset(Boundary)


def _e(
    source: str,
    category: Category,
    co2: float,
    method: Method = Method.ACCOUNTING,
    boundaries: frozenset[Boundary] = BOTH,
    biogenic: float = 0.0,
) -> SourceEmission:
    return SourceEmission(source, category, method, co2, boundaries, biogenic)


@pytest.mark.parametrize(
    ("category", "scope", "expected"),
    [
        (Category.FOSSIL_FUEL, Scope.CLINKER_LINE, BOTH),
        (Category.PROCESS_CARBONATE, Scope.CLINKER_LINE, BOTH),
        (Category.FOSSIL_FUEL, Scope.ENTERPRISE, frozenset({Boundary.ENTERPRISE})),
        (Category.ELECTRICITY, Scope.CLINKER_LINE, frozenset({Boundary.CLINKER})),
        (Category.HEAT, Scope.ENTERPRISE, frozenset({Boundary.ENTERPRISE})),
    ],
)
def test_boundaries_for(category: Category, scope: Scope, expected: frozenset[Boundary]) -> None:
    assert boundaries_for(category, scope) == expected


def test_totals_by_category_and_method() -> None:
    emissions = [
        _e("coal", Category.FOSSIL_FUEL, 100.0),
        _e("msw", Category.ALTERNATIVE_FUEL, 10.0, biogenic=15.0),
        _e("forklift", Category.FOSSIL_FUEL, 1.0, boundaries=frozenset({Boundary.ENTERPRISE})),
        _e("power", Category.ELECTRICITY, 5.0, boundaries=frozenset({Boundary.CLINKER})),
        _e("kiln_stack", Category.PROCESS_CARBONATE, 50.0, method=Method.CEMS),
    ]
    clinker = boundary_total(emissions, Boundary.CLINKER)
    assert clinker.co2_t == 165.0
    assert clinker.biogenic_co2_t == 15.0
    assert clinker.by_category[Category.FOSSIL_FUEL] == 100.0
    assert clinker.by_method == {Method.ACCOUNTING: 115.0, Method.CEMS: 50.0}
    enterprise = boundary_total(emissions, Boundary.ENTERPRISE)
    assert enterprise.co2_t == 161.0


def test_select_method_prevents_double_counting() -> None:
    emissions = [
        _e("kiln", Category.PROCESS_CARBONATE, 100.0, Method.ACCOUNTING),
        _e("kiln", Category.PROCESS_CARBONATE, 104.0, Method.CEMS),
        _e("kiln", Category.PROCESS_CARBONATE, 99.0, Method.MODEL),
        _e("coal", Category.FOSSIL_FUEL, 10.0, Method.ACCOUNTING),
    ]
    with pytest.raises(AccountingError) as info:
        boundary_total(emissions, Boundary.CLINKER)
    assert info.value.code == "boundary.duplicate_source"
    chosen = select_method(emissions, [Method.CEMS, Method.ACCOUNTING])
    assert boundary_total(chosen, Boundary.CLINKER).co2_t == 114.0
    reverse = select_method(reversed(emissions), [Method.ACCOUNTING, Method.CEMS])
    assert boundary_total(reverse, Boundary.CLINKER).co2_t == 110.0
    kept = select_method(emissions, [Method.ACCOUNTING, Method.CEMS, Method.MODEL])
    assert boundary_total(kept, Boundary.CLINKER).co2_t == 110.0


def test_intensity() -> None:
    assert emission_intensity_tco2_per_t(84.0, 100.0) == pytest.approx(0.84)
    assert Category.ELECTRICITY.direct is False
