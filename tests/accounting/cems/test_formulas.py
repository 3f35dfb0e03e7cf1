from __future__ import annotations

import copy
from typing import Any

import pytest

from tanji.accounting.boundaries import Boundary, Category, Scope, boundaries_for
from tanji.accounting.cases import FORMULAS, evaluate_case, mismatches, parse_case
from tanji.accounting.errors import AccountingError
from tests.accounting.worked_examples import load_example

TV06 = load_example("tv06_cems_minute")
TV07 = load_example("tv07_cems_hour")


def _case(case_id: str, formula: str, inputs: dict[str, Any], expected: dict[str, Any]) -> Any:
    raw = {"id": case_id, "formula": formula, "inputs": inputs, "expected": expected}
    return parse_case(raw, 0)


def test_cems_formulas_are_registered_for_cases() -> None:
    assert {"cems_minute", "cems_hour"} <= set(FORMULAS)
    assert FORMULAS["cems_hour"].category is Category.KILN_STACK
    assert boundaries_for(Category.KILN_STACK, Scope.CLINKER_LINE) == {
        Boundary.CLINKER,
        Boundary.ENTERPRISE,
    }


def test_p10_cems_minute_case() -> None:
    case = _case("P10", "cems_minute", TV06["inputs"], TV06["expected"])
    outputs = evaluate_case(case)
    assert mismatches(case, outputs) == []
    assert outputs["co2_t"] == pytest.approx(outputs["co2_kg"] / 1000)


def test_p11_cems_hour_case() -> None:
    minutes_case = TV07["minutes_case"]
    case = _case("P11", "cems_hour", minutes_case["inputs"], minutes_case["expected"])
    assert mismatches(case, evaluate_case(case)) == []


def test_cems_minute_gum_uncertainty_of_concentration_is_relative() -> None:
    raw = {
        "id": "U",
        "formula": "cems_minute",
        "inputs": TV06["inputs"],
        "standard_uncertainties": {"co2_dry_pct_vol": 0.225},  # 1 %
    }
    outputs = evaluate_case(parse_case(raw, 0))
    assert outputs["u_co2_kg"] == pytest.approx(0.01 * outputs["co2_kg"], rel=1e-6)
    assert outputs["u_std_dry_flow_m3"] == 0.0


def test_invalid_hour_gives_counts_but_no_mass() -> None:
    inputs = copy.deepcopy(TV07["minutes_case"]["inputs"])
    for minute in inputs["minutes"][:16]:
        minute["flag"] = "M"
    outputs = evaluate_case(_case("X", "cems_hour", inputs, {}))
    # P11 already flags minutes 17, 18 and 41: 60 − 16 − 3 = 41 valid minutes < 45
    assert outputs == {"valid_minutes": 41, "valid": False}
    assert "co2_kg" not in outputs


@pytest.mark.parametrize(
    "minutes",
    [
        [],
        "sixty",
        [{"flag": "N"}],
        [
            {
                "point_velocity_m_per_s": 1,
                "flue_temp_c": 1,
                "moisture_fraction": 0.1,
                "co2_dry_pct_vol": 20,
                "flag": 1,
            }
        ],
    ],
)
def test_rejects_malformed_minutes(minutes: Any) -> None:
    inputs = dict(TV07["minutes_case"]["inputs"], minutes=minutes)
    with pytest.raises(AccountingError) as caught:
        _case("X", "cems_hour", inputs, {})
    assert caught.value.params["field"] == "minutes"
