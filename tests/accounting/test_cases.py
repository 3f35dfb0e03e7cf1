"""Loading and validating ``tanji-cases/1`` files: precise errors; evaluation with GUM."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tanji.accounting.cases import (
    FORMULAS,
    evaluate_case,
    formula,
    load_cases,
    mismatches,
    parse_cases,
    plain,
)
from tanji.accounting.errors import AccountingError

HEAT = {"purchased_gj": 10.0, "exported_gj": 0.0, "heat_factor_tco2_per_gj": 0.11}
DEDUCTED = {"clinker_t": 100.0, "clinker_factor_tco2_per_t": 0.535, "deductions": []}


def _doc(*cases: dict[str, Any]) -> dict[str, Any]:
    return {"format": "tanji-cases/1", "cases": list(cases)}


def _case(**overrides: Any) -> dict[str, Any]:
    return {"id": "A", "formula": "heat", "inputs": dict(HEAT), **overrides}


def _code(document: Any) -> str:
    with pytest.raises(AccountingError) as info:
        parse_cases(document)
    return info.value.code


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ([], "cases.bad_format"),
        ({"format": "tanji-cases/2", "cases": []}, "cases.bad_format"),
        ({"format": "tanji-cases/1", "cases": {}}, "cases.bad_format"),
        (_doc("x"), "cases.bad_case"),
        (_doc(_case(formula="nope")), "formula.unknown"),
        (_doc(_case(inputs=[1])), "cases.bad_inputs"),
        (_doc(_case(inputs={**HEAT, "extra_t": 1})), "cases.unknown_input"),
        (_doc(_case(inputs={"purchased_gj": 1.0})), "cases.missing_input"),
        (_doc(_case(inputs={**HEAT, "purchased_gj": True})), "cases.bad_number"),
        (_doc(_case(inputs={**HEAT, "purchased_gj": "1"})), "cases.bad_number"),
        (_doc(_case(expected=[1])), "cases.bad_case"),
        (_doc(_case(standard_uncertainties={"co2_t": 1.0})), "cases.unknown_input"),
        (_doc(_case(standard_uncertainties={"purchased_gj": -1.0})), "cases.bad_number"),
        (_doc(_case(), _case()), "cases.duplicate_id"),
        (
            _doc(_case(formula="process_default_factor", inputs={**DEDUCTED, "deductions": 1})),
            "cases.bad_input",
        ),
        (
            _doc(
                _case(
                    formula="process_default_factor",
                    inputs={
                        **DEDUCTED,
                        "deductions": [
                            {"material": "x", "material_t": "1", "deduction_tco2_per_t": 0.2}
                        ],
                    },
                )
            ),
            "cases.bad_deduction",
        ),
        (
            _doc(_case(formula="process_default_factor", inputs={**DEDUCTED, "deductions": [3]})),
            "cases.bad_deduction",
        ),
    ],
)
def test_rejects_bad_cases(document: Any, code: str) -> None:
    assert _code(document) == code


def test_error_names_the_case_and_field() -> None:
    with pytest.raises(AccountingError) as info:
        parse_cases(_doc(_case(inputs={"purchased_gj": 1.0})))
    assert "case 'A' (row 0)" in str(info.value)
    assert info.value.params["field"] == "exported_gj"


def test_load_cases_file_errors(tmp_path: Path) -> None:
    with pytest.raises(AccountingError) as info:
        load_cases(tmp_path / "missing.json")
    assert info.value.code == "cases.unreadable"
    undecodable = tmp_path / "latin.json"
    undecodable.write_bytes(b"\xff")
    with pytest.raises(AccountingError) as info:
        load_cases(undecodable)
    assert info.value.params["reason"] == "not UTF-8 text"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(AccountingError) as info:
        load_cases(bad)
    assert info.value.code == "cases.bad_json"
    assert info.value.params["line"] == 1
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_doc(_case())), encoding="utf-8")
    assert load_cases(good)[0].id == "A"


def test_evaluation_with_uncertainty_and_tolerances() -> None:
    (case,) = parse_cases(
        _doc(
            _case(
                expected={"co2_t": 1.1, "u_co2_t": 0.011},
                standard_uncertainties={"purchased_gj": 0.1},
            )
        )
    )
    outputs = evaluate_case(case)
    assert outputs["co2_t"] == pytest.approx(1.1)
    assert outputs["u_co2_t"] == pytest.approx(0.011)
    assert mismatches(case, outputs) == []
    assert mismatches(case, {"co2_t": 1.2}) == ["co2_t", "u_co2_t"]


def test_non_numeric_expectations_compare_exactly() -> None:
    (case,) = parse_cases(_doc(_case(expected={"valid": True, "label": "x"})))
    assert mismatches(case, {"valid": True, "label": "x"}) == []
    assert mismatches(case, {"valid": 1, "label": "y"}) == ["label"]


def test_plain_values() -> None:
    assert plain(np.bool_(True)) is True
    assert plain(np.int64(57)) == 57
    assert isinstance(plain(np.int64(57)), int)
    assert plain(np.float64(1.5)) == 1.5
    assert plain(np.array([1.0, 2.0])) == [1.0, 2.0]


def test_registry() -> None:
    assert formula("heat") is FORMULAS["heat"]
    with pytest.raises(AccountingError):
        formula(None)
    for spec in FORMULAS.values():
        assert spec.clause
        assert spec.emission_output in spec.outputs


def test_uncertainty_only_for_quantity_outputs() -> None:
    from tanji.accounting.boundaries import Category
    from tanji.accounting.cases import Case
    from tanji.accounting.formulas import Formula

    def counting(x: Any) -> dict[str, Any]:
        return {"count": 3, "y": 2.0 * x["a_t"]}

    spec = Formula("count", counting, ("a_t",), ("count", "y"), Category.HEAT, "test", "y")
    outputs = evaluate_case(Case("C", spec, {"a_t": 1.0}, standard_uncertainties={"a_t": 0.1}))
    assert outputs == {"count": 3, "y": 2.0, "u_y": pytest.approx(0.2)}
