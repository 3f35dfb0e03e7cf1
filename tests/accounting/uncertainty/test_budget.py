from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pytest

from tanji.accounting.cases import FORMULAS
from tanji.accounting.errors import AccountingError
from tanji.accounting.uncertainty.budget import (
    UncertainInput,
    combine_periods,
    uncertainty_budgets,
)
from tanji.accounting.uncertainty.gum import propagate
from tanji.accounting.uncertainty.montecarlo import validate_guf
from tanji.accounting.uncertainty.sources import u_from_expanded, u_from_mpe
from tests.accounting.uncertainty.enterprise_model import TV09, enterprise_model, tv09_inputs

EXPECTED = TV09["expected"]


@pytest.fixture(scope="module")
def tv09() -> dict[str, Any]:
    outputs = ["total", "coal", "process", "process_factor", "toc"]
    return uncertainty_budgets(enterprise_model, tv09_inputs(), outputs=outputs, seed=20_240_101)


def test_tv09_gum_total(tv09: dict[str, Any]) -> None:
    total = tv09["total"]
    assert total.value == pytest.approx(EXPECTED["total_co2_t"], rel=EXPECTED["total_rel_tol"])
    assert total.u_c == pytest.approx(EXPECTED["u_c_t"], rel=EXPECTED["u_c_rel_tol"])
    assert total.relative * 100 == pytest.approx(EXPECTED["u_c_relative_pct"], abs=5e-6)
    assert total.expanded == pytest.approx(EXPECTED["expanded_k2_t"], rel=EXPECTED["u_c_rel_tol"])


@pytest.mark.parametrize(
    ("output", "key"),
    [
        ("coal", "coal_u_relative_pct"),
        ("process", "process_u_relative_pct"),
        ("process_factor", "process_factor_u_relative_pct"),
        ("toc", "toc_u_relative_pct"),
    ],
)
def test_tv09_intermediate_relative_uncertainties(
    tv09: dict[str, Any], output: str, key: str
) -> None:
    assert tv09[output].relative * 100 == pytest.approx(EXPECTED[key], rel=1e-5)


def test_tv09_monte_carlo_10_to_the_6(tv09: dict[str, Any]) -> None:
    mc = tv09["total"].mc
    assert mc is not None
    assert mc.u == pytest.approx(EXPECTED["mcm_sd_t"], rel=EXPECTED["mcm_sd_rel_tol"])
    low, high = EXPECTED["mcm_interval_95_t"]
    tol = EXPECTED["mcm_interval_abs_tol_t"]
    assert mc.symmetric[0] == pytest.approx(low, abs=tol)
    assert mc.symmetric[1] == pytest.approx(high, abs=tol)
    assert mc.shortest[1] - mc.shortest[0] <= mc.symmetric[1] - mc.symmetric[0]
    # JJF 1059.2 cl. 8: the GUM interval is validated at two significant digits of u_c
    total = tv09["total"]
    assert validate_guf(total.value, total.u_c, mc.symmetric).passed


def test_budget_lines_add_up_and_are_sorted(tv09: dict[str, Any]) -> None:
    total = tv09["total"]
    shares = [line.variance_share for line in total.lines]
    assert sum(shares) == pytest.approx(1.0)
    assert shares == sorted(shares, reverse=True)
    assert math.hypot(*(line.contribution for line in total.lines)) == pytest.approx(total.u_c)
    by_source = total.by_source()
    assert set(by_source) == {"coal", "process", "toc", "cloth", "msw", "electricity"}
    assert math.hypot(*by_source.values()) == pytest.approx(total.u_c)


def test_random_and_systematic_parts_are_kept_apart() -> None:
    kinds = {"coal_t": "random", "raw_meal_t": "random"}
    budget = uncertainty_budgets(
        enterprise_model, tv09_inputs(kinds), outputs=["total"], draws=None
    )["total"]
    assert budget.mc is None
    random_lines = [line for line in budget.lines if line.kind == "random"]
    assert {line.name for line in random_lines} == set(kinds)
    assert budget.u_random == pytest.approx(math.hypot(*(x.contribution for x in random_lines)))
    assert math.hypot(budget.u_random, budget.u_systematic) == pytest.approx(budget.u_c)


def _monthly(x: Mapping[str, Any]) -> dict[str, Any]:
    return {"co2_t": x["mass_t"] * x["factor"]}


def test_periods_add_random_parts_in_quadrature_and_systematic_parts_linearly() -> None:
    month = {
        "mass_t": UncertainInput(100.0, 2.0, kind="random"),
        "factor": UncertainInput(0.5, 0.01, kind="systematic"),
    }
    budget = uncertainty_budgets(_monthly, month, draws=None)["co2_t"]
    year = combine_periods([budget] * 12)
    assert year.value == pytest.approx(600.0)
    assert year.u_random == pytest.approx(math.sqrt(12) * 1.0)  # 0.5 × 2 t per month
    assert year.u_systematic == pytest.approx(12 * 1.0)  # 100 t × 0.01 per month

    # the same by GUM over a yearly model: twelve independent masses, one shared factor
    def yearly(x: Mapping[str, Any]) -> dict[str, Any]:
        return {"co2_t": sum(x[f"mass_{i}"] for i in range(12)) * x["factor"]}

    inputs = {f"mass_{i}": 100.0 for i in range(12)} | {"factor": 0.5}
    u = {f"mass_{i}": 2.0 for i in range(12)} | {"factor": 0.01}
    assert year.u_c == pytest.approx(propagate(yearly, inputs, u).u["co2_t"])


@pytest.mark.parametrize("shape", ["normal", "rectangular", "triangular", "lognormal"])
def test_input_distribution_has_the_stated_mean_and_u(shape: str) -> None:
    dist = UncertainInput(5.0, 0.5, shape=shape).distribution()  # type: ignore[arg-type]
    assert dist.mean == pytest.approx(5.0)
    assert dist.sd == pytest.approx(0.5)


def test_rejects_unknown_output_and_empty_periods() -> None:
    with pytest.raises(AccountingError) as caught:
        uncertainty_budgets(_monthly, {"mass_t": 1.0, "factor": 1.0}, outputs=["nope"], draws=None)
    assert caught.value.code == "budget.unknown_output"
    with pytest.raises(AccountingError) as caught:
        combine_periods([])
    assert caught.value.code == "budget.no_periods"


def test_cems_minute_budget_from_instrument_records() -> None:
    # the whole measurement chain of one CEMS minute, each u from a metrology record
    model = FORMULAS["cems_minute"].model
    inputs: dict[str, Any] = {
        "duct_area_m2": 12.566370614359172,
        "ambient_pressure_pa": 100_800.0,
        "static_pressure_pa": -800.0,
        "point_velocity_m_per_s": 14.8,
        "molar_mass_g_per_mol": 44.01,
        "molar_volume_l_per_mol": 22.4,
        # analyser MPE ±2.5 % of a 0–30 %vol span (HJ 76 drift limit, standards.md §4.2)
        "co2_dry_pct_vol": UncertainInput(22.5, u_from_mpe(0.025 * 30), "rectangular"),
        # velocity-field coefficient from a certificate, U = 2 % with k = 2
        "velocity_coefficient": UncertainInput(0.95, u_from_expanded(0.019, 2), kind="systematic"),
        "flue_temp_c": UncertainInput(115.0, u_from_mpe(3.0), "rectangular", kind="random"),
        "moisture_fraction": UncertainInput(0.095, u_from_mpe(0.015), "rectangular"),
    }
    budget = uncertainty_budgets(model, inputs, outputs=["co2_kg"], draws=200_000, seed=4)["co2_kg"]
    relative = math.sqrt(
        (0.75 / math.sqrt(3) / 22.5) ** 2
        + 0.01**2
        + (3.0 / math.sqrt(3) / (273.0 + 115.0)) ** 2
        + (0.015 / math.sqrt(3) / (1 - 0.095)) ** 2
    )
    assert budget.relative == pytest.approx(relative, rel=1e-6)
    assert budget.lines[0].name == "co2_dry_pct_vol"
    assert budget.mc is not None
    assert budget.mc.u == pytest.approx(budget.u_c, rel=0.01)
    assert budget.u_random == pytest.approx(budget.lines[-1].contribution)
