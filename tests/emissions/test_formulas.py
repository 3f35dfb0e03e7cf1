"""Formulas and GUM propagation against hand-computed examples (kept as data)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tanji.accounting.factors.library import load_library
from tanji.emissions.bindings import BINDINGS
from tanji.emissions.formulas import FORMULAS, propagate
from tanji.plant.choices import SOURCE_KINDS

#: Kiln coal, 100 t at 22.46 GJ/t, 0.02618 tC/GJ, OF 0.99 (GB/T 32151.8 cl. 5): by hand
#: 100 × 22.46 × 0.02618 × 0.99 × 44/12 = 213.4450 t; u_rel = √(0.5² + 0.5343² + 1.5279²) %.
COAL = {
    "values": {
        "consumption_t": 100.0,
        "ncv_gj_per_t": 22.46,
        "carbon_content_tc_per_gj": 0.02618,
        "oxidation_rate": 0.99,
    },
    "u": {"consumption_t": 0.5, "ncv_gj_per_t": 0.12, "carbon_content_tc_per_gj": 0.0004},
    "co2_t": 213.4450,
}
#: Process: 200 t clinker, CaO 65.3 % (0.8 % non-carbonate), MgO 2.05 % (0.3 %), 310 t raw
#: meal at 0.12 % TOC: (0.645 × 44/56 + 0.0175 × 44/40) × 200 + 310 × 0.0012 × 44/12.
PROCESS = {
    "values": {
        "clinker_t": 200.0,
        "cao_fraction": 0.653,
        "cao_noncarbonate_fraction": 0.008,
        "mgo_fraction": 0.0205,
        "mgo_noncarbonate_fraction": 0.003,
        "raw_meal_t": 310.0,
        "toc_fraction": 0.0012,
    },
    "co2_t": 0.645 * 44 / 56 * 200 + 0.0175 * 1.1 * 200 + 310 * 0.0012 * 44 / 12,
}


def _arrays(values: dict[str, float]) -> dict[str, np.ndarray]:
    return {k: np.array([v]) for k, v in values.items()}


def test_fuel_value_and_uncertainty_match_the_hand_computation() -> None:
    (fossil, biogenic), u = propagate(
        "fuel_mass",
        _arrays(COAL["values"]),
        _arrays(COAL["u"]),  # type: ignore[arg-type]
    )
    assert fossil[0] == pytest.approx(COAL["co2_t"], abs=1e-3)
    assert biogenic[0] == 0.0
    relative = math.sqrt(0.005**2 + (0.12 / 22.46) ** 2 + (0.0004 / 0.02618) ** 2)
    assert u[0] == pytest.approx(COAL["co2_t"] * relative, rel=1e-4)  # type: ignore[operator]


def test_process_sums_carbonate_and_organic_carbon() -> None:
    (fossil, _), u = propagate("process", _arrays(PROCESS["values"]), {})  # type: ignore[arg-type]
    assert fossil[0] == pytest.approx(PROCESS["co2_t"], rel=1e-9)
    assert u[0] == 0.0


def test_alternative_fuel_splits_fossil_and_biogenic() -> None:
    values = {
        "consumption_t": 10.0,
        "dry_matter_fraction": 1.0,
        "carbon_fraction_dry": 0.2,
        "fossil_carbon_fraction": 0.4,
        "oxidation_rate": 1.0,
    }
    (fossil, biogenic), _ = propagate("alternative_fuel_carbon", _arrays(values), {})
    assert fossil[0] == pytest.approx(10 * 0.2 * 0.4 * 44 / 12)
    assert biogenic[0] == pytest.approx(10 * 0.2 * 0.6 * 44 / 12)


def test_every_source_kind_is_bound_to_a_formula_with_library_defaults() -> None:
    library = load_library()
    assert set(BINDINGS) == set(SOURCE_KINDS)
    for kind, binding in BINDINGS.items():
        assert binding.formula in FORMULAS, kind
        names = {a.name for a in binding.activities} | {p.name for p in binding.parameters}
        inputs = {n: np.ones(1) for n in names}
        FORMULAS[binding.formula](inputs)  # every argument the formula reads is bound
        for parameter in binding.parameters:
            assert library.entries.get(parameter.factor_key), (kind, parameter.factor_key)
        assert binding.site == (not SOURCE_KINDS[kind].per_line), kind
