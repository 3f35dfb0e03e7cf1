"""Excel activity workbooks: round trip with the YAML form, cell-level errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tanji.accounting.activity import load_activity
from tanji.accounting.activity_xlsx import SOURCES, write_workbook
from tanji.accounting.errors import AccountingError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "activity-2025-03.yaml"


def _workbook(tmp_path: Path) -> Path:
    path = tmp_path / "a.xlsx"
    write_workbook(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), path)
    return path


def test_round_trip_matches_yaml(tmp_path: Path) -> None:
    assert load_activity(_workbook(tmp_path)) == load_activity(EXAMPLE)


def test_text_in_number_cell_names_sheet_row_column(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = load_workbook(path)
    wb[SOURCES]["F2"] = "many"
    wb.save(path)
    with pytest.raises(AccountingError) as info:
        load_activity(path)
    assert info.value.params == {"sheet": "排放源", "row": 2, "column": "数值", "value": "many"}


def test_wrong_heading_and_missing_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = load_workbook(path)
    wb[SOURCES]["A1"] = "编号"
    wb.save(path)
    with pytest.raises(AccountingError) as info:
        load_activity(path)
    assert info.value.code == "activity.bad_sheet"
    del wb["产量"]
    wb.save(path)
    with pytest.raises(AccountingError) as info:
        load_activity(path)
    assert info.value.params == {"sheet": "产量"}


def test_optional_sheets_and_unreadable_file(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = load_workbook(path)
    del wb["替代原料扣减"]
    del wb["相关系数"]
    wb.save(path)
    assert load_activity(path).correlations == {}
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(AccountingError) as info:
        load_activity(broken)
    assert info.value.code == "activity.unreadable"


def test_deduction_rows(tmp_path: Path) -> None:
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    document["sources"].append(
        {
            "id": "mee",
            "name": "国家指南缺省值法",
            "formula": "process_default_factor",
            "inputs": {
                "clinker_t": {"ref": "production.clinker_t"},
                "clinker_factor_tco2_per_t": {"default": "clinker.factor.portland"},
                "deductions": [
                    {
                        "material": "钢渣",
                        "material_t": 3000,
                        "default": "clinker.deduction.steel_slag",
                    },
                    {"material": "x", "material_t": 10, "deduction_tco2_per_t": 0.1},
                ],
            },
        }
    )
    path = tmp_path / "d.xlsx"
    write_workbook(document, path)
    mee = load_activity(path).sources[-1]
    assert [d["material"] for d in mee.deductions] == ["钢渣", "x"]
    assert mee.deductions[1]["deduction_tco2_per_t"] == 0.1


def test_info_sheet_dates_and_unknown_rows(tmp_path: Path) -> None:
    import datetime as dt

    path = _workbook(tmp_path)
    wb = load_workbook(path)
    info = wb["基本信息"]
    info.append(["备注", "ignored"])
    for row in info.iter_rows(min_row=2):
        if row[0].value == "核算期开始":
            row[1].value = dt.datetime(2025, 3, 1)  # noqa: DTZ001 - an Excel date cell
    wb.save(path)
    assert load_activity(path).period_start == dt.date(2025, 3, 1)
