"""``tanji calc`` on the reference cases, the example period (YAML and Excel) and bad files."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tanji.accounting.cases import FORMULAS
from tanji.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "accounting" / "data" / "reference-cases.json"
EXAMPLE = ROOT / "examples" / "activity-2025-03.yaml"
TEMPLATE = ROOT / "examples" / "activity-template.xlsx"
FACTORS = ROOT / "src" / "tanji" / "accounting" / "factors" / "data"
#: Formula ids of the CEMS part, registered by tanji.accounting.cems when it lands.
CEMS_IDS = {"cems_minute", "cems_hour"}


def _calc(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["calc", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_reference_cases_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(REFERENCE.read_text(encoding="utf-8"))
    runnable = [c for c in document["cases"] if c["formula"] in FORMULAS]
    assert {c["formula"] for c in document["cases"]} - set(FORMULAS) <= CEMS_IDS
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({**document, "cases": runnable}), encoding="utf-8")
    status, out, err = _calc(capsys, "--cases", str(path), "--check")
    assert (status, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == [c["id"] for c in runnable]
    for case, line in zip(runnable, lines, strict=True):
        for key, want in case["expected"].items():
            tol = case.get("rel_tol_uncertainty", 1e-3) if key.startswith("u_") else 1e-6
            assert math.isclose(line["outputs"][key], want, rel_tol=tol, abs_tol=1e-9), key


def test_check_reports_mismatch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = {"purchased_gj": 10, "exported_gj": 0, "heat_factor_tco2_per_gj": 0.11}
    case = {"id": "X", "formula": "heat", "expected": {"co2_t": 1.0}, "inputs": inputs}
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"format": "tanji-cases/1", "cases": [case]}), encoding="utf-8")
    status, out, err = _calc(capsys, "--cases", str(path), "--check")
    assert status == 1
    assert "mismatch in co2_t" in err
    assert json.loads(out)["outputs"]["co2_t"] == pytest.approx(1.1)
    assert _calc(capsys, "--cases", str(path))[0] == 0


def test_period_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _calc(capsys, str(EXAMPLE))
    assert status == 0
    assert "enterprise boundary" in out
    assert "128,555.84" in out
    assert "2,622.21" in out  # U (k = 2) of TV-09
    assert "replaces default fuel.mee_2022.bituminous_coal.ncv" in out
    assert "default grid.national.2023 [F3]" in out
    assert "(biogenic memo)" in out


def _json_period(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> dict[str, Any]:
    status, out, _ = _calc(capsys, str(path), "--json", *extra)
    assert status == 0
    document: dict[str, Any] = json.loads(out)
    return document


def test_period_json_and_excel_agree(capsys: pytest.CaptureFixture[str]) -> None:
    from_yaml = _json_period(capsys, EXAMPLE)
    from_xlsx = _json_period(capsys, TEMPLATE)
    assert from_yaml["factor_library"]["version"] == "2026.1"
    assert from_yaml["boundaries"] == from_xlsx["boundaries"]
    enterprise = from_yaml["boundaries"]["enterprise"]
    assert enterprise["U_co2_t"] == pytest.approx(2622.19, rel=1e-5)
    budget = enterprise["uncertainty_budget_t"]
    assert next(iter(budget)) == "production.clinker_t"
    assert sum(v * v for v in budget.values()) < enterprise["u_co2_t"] ** 2 * 1.1
    coal = from_yaml["sources"][0]
    assert coal["factors"][1]["origin"] == "measured"
    assert coal["factors"][2]["confidence"] == "R"


def test_template_is_reproducible(tmp_path: Path) -> None:
    from tanji.accounting.activity_xlsx import read_workbook, write_workbook

    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    write_workbook(document, tmp_path / "t.xlsx")
    assert read_workbook(tmp_path / "t.xlsx") == read_workbook(TEMPLATE)


def test_closed_period_needs_explicit_recompute(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "factors"
    shutil.copytree(FACTORS, library)
    manifest = library / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace('"2026.1"', '"2027.1"'), encoding="utf-8")
    grid = library / "grid.yaml"
    grid.write_text(grid.read_text().replace("value: 0.5306", "value: 0.6000"), encoding="utf-8")
    status, _, err = _calc(capsys, str(EXAMPLE), "--library", str(library))
    assert status == 2
    assert "factors.version_mismatch" in err
    before = _json_period(capsys, EXAMPLE)
    after = _json_period(capsys, EXAMPLE, "--library", str(library), "--recompute")
    assert after["factor_library"]["version"] == "2027.1"
    net_before, net_after = before["sources"][-1], after["sources"][-1]
    assert net_before["co2_t"] == pytest.approx(7269.22)
    assert net_after["co2_t"] == pytest.approx(13700 * 0.6)
    assert net_after["factors"][-1]["library_version"] == "2027.1"


def test_bad_activity_file_is_a_precise_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    document["sources"][0]["inputs"]["consumption_t"] = {"value": "lots"}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    status, _, err = _calc(capsys, str(path))
    assert status == 2
    assert "sources[0] (kiln_coal).inputs.consumption_t" in err
    status, out, _ = _calc(capsys, str(path), "--json")
    assert status == 2
    assert json.loads(out)["error"]["code"] == "activity.invalid"


def test_needs_exactly_one_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert _calc(capsys)[0] == 2
    status, _, err = _calc(capsys, str(EXAMPLE), "--cases", str(REFERENCE))
    assert status == 2
    assert "not both" in err


def test_table_without_production(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    document.update(production={}, correlations=[], sources=document["sources"][:1])
    path = tmp_path / "coal.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    status, out, _ = _calc(capsys, str(path))
    assert status == 0
    assert "intensity" not in out
    assert _json_period(capsys, path)["boundaries"]["clinker"]["U_intensity_tco2_per_t"] is None
