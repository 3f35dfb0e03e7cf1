"""Period evaluation: boundaries, provenance, tenant overrides, pinned library version."""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from tanji.accounting.activity import parse_activity
from tanji.accounting.boundaries import Boundary, Category
from tanji.accounting.errors import AccountingError, FactorError
from tanji.accounting.factors import Origin, load_library
from tanji.accounting.period import evaluate_period

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "activity-2025-03.yaml"
BASE = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
LIBRARY = load_library()


def _evaluate(document: dict[str, Any], **kwargs: Any) -> Any:
    return evaluate_period(parse_activity(document), LIBRARY, **kwargs)


def test_boundaries_count_the_right_sources() -> None:
    result = _evaluate(BASE)
    by_id = {s.id: s for s in result.sources}
    clinker, enterprise = (
        result.boundaries[Boundary.CLINKER],
        result.boundaries[Boundary.ENTERPRISE],
    )
    clinker_sum = sum(s.co2_t for s in result.sources if Boundary.CLINKER in s.boundaries)
    assert clinker.co2_t == pytest.approx(clinker_sum)
    assert by_id["clinker_power"].boundaries == {Boundary.CLINKER}
    assert by_id["net_power"].boundaries == {Boundary.ENTERPRISE}
    assert clinker.by_category[Category.ELECTRICITY] == pytest.approx(4377.45)
    assert enterprise.by_category[Category.ELECTRICITY] == pytest.approx(7269.22)
    assert enterprise.co2_t - clinker.co2_t == pytest.approx(21.5846819915 + 7269.22 - 4377.45)
    assert clinker.intensity_tco2_per_t == pytest.approx(clinker.co2_t / 150000)
    assert enterprise.intensity_tco2_per_t == pytest.approx(enterprise.co2_t / 190000)
    assert by_id["msw"].biogenic_co2_t == pytest.approx(1379.4)
    assert result.library_version == "2026.1"


def test_shared_default_is_one_correlated_input() -> None:
    document = copy.deepcopy(BASE)
    grid = {"default": "grid.national", "u_rel": 0.05}
    document["sources"][-1]["inputs"]["grid_factor_tco2_per_mwh"] = grid
    result = _evaluate(document)
    sensitivities = result.gum.sensitivities
    assert sensitivities["boundary.enterprise.co2_t"]["default.grid.national"] == pytest.approx(
        13700
    )
    assert sensitivities["clinker_power.co2_t"]["default.grid.national"] == pytest.approx(8250)
    clinker_power = next(s for s in result.sources if s.id == "clinker_power")
    assert clinker_power.u_co2_t > 0.05 * 4377.45


def test_tenant_measurement_replaces_default_and_says_so() -> None:
    document = copy.deepcopy(BASE)
    grid = {"value": 0.4364, "default": "grid.national", "source": "provincial notice"}
    document["sources"][-1]["inputs"]["grid_factor_tco2_per_mwh"] = grid
    result = _evaluate(document)
    net = next(s for s in result.sources if s.id == "net_power")
    use = net.factors[-1]
    assert (use.origin, use.entry_id, use.source) == (
        Origin.MEASURED,
        "grid.national.2023",
        "provincial notice",
    )
    assert net.co2_t == pytest.approx(13700 * 0.4364)
    clinker_power = next(s for s in result.sources if s.id == "clinker_power")
    assert clinker_power.factors[-1].origin is Origin.DEFAULT


def test_pinned_version_needs_explicit_recompute() -> None:
    newer = dataclasses.replace(LIBRARY, version="2099.1")
    with pytest.raises(FactorError) as info:
        evaluate_period(parse_activity(BASE), newer)
    assert info.value.code == "factors.version_mismatch"
    assert info.value.params == {"pinned": "2026.1", "current": "2099.1"}
    recomputed = evaluate_period(parse_activity(BASE), newer, recompute=True)
    assert recomputed.library_version == "2099.1"
    unpinned = {k: v for k, v in BASE.items() if k != "factor_library_version"}
    assert _evaluate(unpinned).library_version == "2026.1"


def test_deductions_by_default_key_and_by_value() -> None:
    source = {
        "id": "mee",
        "formula": "process_default_factor",
        "scope": "clinker_line",
        "inputs": {
            "clinker_t": {"ref": "production.clinker_t"},
            "clinker_factor_tco2_per_t": {"default": "clinker.factor.portland"},
            "deductions": [
                {"material": "钢渣", "material_t": 3000, "default": "clinker.deduction.steel_slag"},
                {"material": "other", "material_t": 100, "deduction_tco2_per_t": 0.1},
            ],
        },
    }
    document = {**BASE, "sources": [source], "correlations": []}
    result = _evaluate(document)
    (mee,) = result.sources
    assert mee.co2_t == pytest.approx(79605.0 - 10.0)
    assert {f.entry_id for f in mee.factors} >= {"clinker.deduction.steel_slag"}
    assert mee.u_co2_t == pytest.approx(1500 * 0.535)


def test_reference_to_missing_production_quantity() -> None:
    document = copy.deepcopy(BASE)
    document["sources"][5]["inputs"]["clinker_t"] = {"ref": "production.lime_t"}
    with pytest.raises(AccountingError) as info:
        _evaluate(document)
    assert "production section does not give" in str(info.value)


def test_without_production_there_is_no_intensity() -> None:
    document = copy.deepcopy(BASE)
    document["production"] = {}
    document["sources"] = [document["sources"][0]]
    document["correlations"] = []
    result = _evaluate(document)
    assert result.boundaries[Boundary.CLINKER].intensity_tco2_per_t is None
    assert math.isclose(result.boundaries[Boundary.ENTERPRISE].co2_t, 39158.0805)
