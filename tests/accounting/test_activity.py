"""Activity files: schema validation with precise errors, units, references, correlations."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tanji.accounting.activity import load_activity, parse_activity, parse_input
from tanji.accounting.boundaries import Scope
from tanji.accounting.errors import AccountingError, UnitError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "activity-2025-03.yaml"
BASE = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _doc(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    document.update(changes)
    return document


def _with_source(index: int, **changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    document["sources"][index].update(changes)
    return document


def _with_input(index: int, name: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    document["sources"][index]["inputs"][name] = value
    return document


def test_example_parses() -> None:
    activity = parse_activity(BASE)
    assert activity.period_start.isoformat() == "2025-03-01"
    assert activity.factor_library_version == "2026.1"
    assert len(activity.sources) == 9
    forklift = activity.sources[2]
    assert forklift.scope is Scope.ENTERPRISE
    assert forklift.inputs["volume_l"].value == pytest.approx(8300.0)  # 8.3 m3
    carbonate = activity.sources[5]
    assert carbonate.inputs["cao_fraction"].value == pytest.approx(0.655)  # 65.50 %
    assert carbonate.inputs["cao_fraction"].u == pytest.approx(0.002)
    assert carbonate.inputs["clinker_t"].ref == "production.clinker_t"
    assert len(activity.correlations) == 3


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ([], "format"),
        (_doc(period="2025-03"), "period"),
        (_doc(period={"start": "2025-03-01", "end": "March"}), "period.end"),
        (_doc(period={"start": "2025-03-31", "end": "2025-03-01"}), "is before start"),
        (_doc(production=[1]), "production"),
        (_doc(sources=[]), "sources"),
        (_doc(sources=["x"]), "sources[0]"),
        (_with_source(0, scope="moon"), "'scope' must be one of"),
        (_with_source(0, inputs=[]), "'inputs' must be a mapping"),
        (_with_source(0, inputs={}), "input 'consumption_t' of fuel_combustion is missing"),
        (_with_input(0, "speed_t", 1), "'speed_t' is not an input"),
        (_with_input(0, "consumption_t", "lots"), "expected a number in t"),
        (_with_input(0, "consumption_t", {"u": 1}), "give 'value', 'default'"),
        (_with_input(0, "consumption_t", {"value": 1, "u_rel": -1}), "'u_rel' must be"),
        (_with_input(0, "consumption_t", {"value": 1, "colour": "red"}), "mapping with keys"),
        (_doc(sources=[BASE["sources"][0], BASE["sources"][0]]), "appear more than once"),
        (_doc(correlations={"a": 1}), "correlations"),
        (_doc(correlations=[{"between": ["a"], "r": 1}]), "correlations[0]"),
    ],
)
def test_rejects_bad_activity(document: Any, fragment: str) -> None:
    with pytest.raises(AccountingError) as info:
        parse_activity(document)
    assert fragment in str(info.value)


def _deduction_doc(deductions: Any) -> dict[str, Any]:
    source = {
        "id": "mee",
        "formula": "process_default_factor",
        "inputs": {
            "clinker_t": 150000,
            "clinker_factor_tco2_per_t": 0.535,
            "deductions": deductions,
        },
    }
    return _doc(sources=[source])


@pytest.mark.parametrize(
    ("deductions", "fragment"),
    [
        ({"material": "x"}, "must be a list"),
        ([1], "deductions[0]: expected a mapping"),
        ([{"material": "x", "material_t": -1, "default": "k"}], "'material_t' must be"),
        ([{"material": "x", "material_t": 1}], "exactly one of"),
        (
            [{"material": "x", "material_t": 1, "default": "k", "deduction_tco2_per_t": 0.2}],
            "exactly one of",
        ),
    ],
)
def test_rejects_bad_deductions(deductions: Any, fragment: str) -> None:
    with pytest.raises(AccountingError) as info:
        parse_activity(_deduction_doc(deductions))
    assert fragment in str(info.value)


def test_incompatible_unit_is_a_unit_error() -> None:
    with pytest.raises(UnitError):
        parse_input("consumption_t", {"value": 1, "unit": "L"}, "here")


def test_load_activity_errors(tmp_path: Path) -> None:
    with pytest.raises(AccountingError) as info:
        load_activity(tmp_path / "none.yaml")
    assert info.value.code == "activity.unreadable"
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: [\n", encoding="utf-8")
    with pytest.raises(AccountingError) as info:
        load_activity(bad)
    assert info.value.code == "activity.bad_yaml"
    assert info.value.params["line"] == 2
    assert load_activity(EXAMPLE).enterprise.startswith("示例")


def test_undecodable_and_unreadable_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(AccountingError) as info:
        load_activity(bad)
    assert info.value.params["reason"] == "not UTF-8 text"
    bad.write_text("format: \x07\n", encoding="utf-8")
    with pytest.raises(AccountingError) as info:
        load_activity(bad)
    assert info.value.code == "activity.bad_yaml"


def test_documented_example_is_valid() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "reference" / "activity-file.md"
    text = doc.read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    activity = parse_activity(yaml.safe_load(block))
    assert activity.sources[0].inputs["consumption_t"].value == pytest.approx(18500.0)
