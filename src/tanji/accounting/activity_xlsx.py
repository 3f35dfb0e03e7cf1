"""Activity files as Excel workbooks with Chinese headings (the form plants fill in).

Sheets: 基本信息 (enterprise, period, pinned library version), 产量 (production quantities),
排放源 (one row per source parameter), 替代原料扣减 (deductions of the national guideline) and
相关系数 (correlations between inputs).
:func:`read_workbook` turns a workbook into the same document as the YAML form, so both are
validated by :func:`tanji.accounting.activity.parse_activity`; :func:`write_workbook` is its
inverse and makes the shipped template from the YAML example (reproducibly: fixed properties).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tanji.accounting.errors import AccountingError

INFO = "基本信息"
PRODUCTION = "产量"
SOURCES = "排放源"
DEDUCTIONS = "替代原料扣减"
CORRELATIONS = "相关系数"
CORRELATION_HEAD = ("输入1", "输入2", "相关系数")

#: heading → document key, per sheet.
INFO_ROWS = {"格式": "format", "企业名称": "enterprise", "核算期开始": "period.start",
             "核算期结束": "period.end", "因子库版本": "factor_library_version"}  # fmt: skip
PARAM_COLUMNS = {"数值": "value", "单位": "unit", "缺省值键": "default", "引用": "ref",
                 "标准不确定度": "u", "相对标准不确定度": "u_rel",
                 "数据来源": "source"}  # fmt: skip
PRODUCTION_HEAD = ("参数", *PARAM_COLUMNS)
SOURCE_HEAD = ("排放源编号", "名称", "公式", "范围", "参数", *PARAM_COLUMNS)
DEDUCTION_HEAD = ("排放源编号", "材料", "用量(t)", "扣减系数(tCO2/t)", "缺省值键")
SCOPES = {"熟料生产线": "clinker_line", "企业": "enterprise"}
_NUMERIC = {"value", "u", "u_rel"}


def _rows(ws: Worksheet, head: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Non-empty rows as heading → cell value; checks the heading row."""
    rows = ws.iter_rows(values_only=True)
    found = tuple(str(c) if c is not None else "" for c in next(rows, ()))[: len(head)]
    if found != head:
        raise AccountingError(
            "activity.bad_sheet",
            "sheet {sheet}: heading row must be {expected}, found {found}",
            sheet=ws.title,
            expected=" | ".join(head),
            found=" | ".join(found),
        )
    for number, values in enumerate(rows, start=2):
        cells = dict(zip(head, values, strict=False))
        if any(v not in (None, "") for v in cells.values()):
            yield number, cells


def _parameter(ws: Worksheet, row: int, cells: Mapping[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    for heading, key in PARAM_COLUMNS.items():
        value = cells.get(heading)
        if value in (None, ""):
            continue
        if key in _NUMERIC and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise AccountingError(
                "activity.bad_cell",
                "sheet {sheet} row {row} column {column}: expected a number, got {value!r}",
                sheet=ws.title,
                row=row,
                column=heading,
                value=value,
            )
        spec[key] = value if key in _NUMERIC else str(value)
    return spec


def _sheet(wb: Any, name: str) -> Worksheet:
    if name not in wb.sheetnames:
        raise AccountingError("activity.bad_sheet", "workbook has no sheet {sheet}", sheet=name)
    ws: Worksheet = wb[name]
    return ws


def _info(wb: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"format": "tanji-activity/1", "period": {}}
    for _, cells in _rows(_sheet(wb, INFO), ("项目", "值")):
        key = INFO_ROWS.get(str(cells["项目"]))
        value = cells["值"]
        if isinstance(value, dt.datetime):
            value = value.date()
        if key and key.startswith("period."):
            document["period"][key.removeprefix("period.")] = value
        elif key:
            document[key] = value
    return document


def _sources(wb: Any) -> dict[str, dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    ws = _sheet(wb, SOURCES)
    for row, cells in _rows(ws, SOURCE_HEAD):
        sid = str(cells["排放源编号"])
        source = sources.setdefault(sid, {"id": sid, "inputs": {}})
        for heading, key in (("名称", "name"), ("公式", "formula"), ("范围", "scope")):
            if cells.get(heading) not in (None, ""):
                source[key] = SCOPES.get(str(cells[heading]), str(cells[heading]))
        source["inputs"][str(cells["参数"])] = _parameter(ws, row, cells)
    return sources


def _deductions(wb: Any, sources: dict[str, dict[str, Any]]) -> None:
    if DEDUCTIONS not in wb.sheetnames:
        return
    for _, cells in _rows(wb[DEDUCTIONS], DEDUCTION_HEAD):
        item = {"material": cells["材料"], "material_t": cells["用量(t)"]}
        if cells.get("扣减系数(tCO2/t)") not in (None, ""):
            item["deduction_tco2_per_t"] = cells["扣减系数(tCO2/t)"]
        if cells.get("缺省值键") not in (None, ""):
            item["default"] = cells["缺省值键"]
        sid = str(cells["排放源编号"])
        target = sources.setdefault(sid, {"id": sid, "inputs": {}})
        target["inputs"].setdefault("deductions", []).append(item)


def read_workbook(path: Path) -> dict[str, Any]:
    """The activity document stated by a workbook (validated later by ``parse_activity``)."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, BadZipFile) as exc:
        raise AccountingError(
            "activity.unreadable",
            "cannot read workbook {path}: {reason}",
            path=str(path),
            reason=str(exc),
        ) from None
    document = _info(wb)
    ws = _sheet(wb, PRODUCTION)
    document["production"] = {
        str(c["参数"]): _parameter(ws, r, c) for r, c in _rows(ws, PRODUCTION_HEAD)
    }
    sources = _sources(wb)
    _deductions(wb, sources)
    document["sources"] = list(sources.values())
    if CORRELATIONS in wb.sheetnames:
        document["correlations"] = [
            {"between": [c["输入1"], c["输入2"]], "r": c["相关系数"]}
            for _, c in _rows(wb[CORRELATIONS], CORRELATION_HEAD)
        ]
    return document


def _param_cells(spec: Any) -> list[Any]:
    spec = spec if isinstance(spec, dict) else {"value": spec}
    return [spec.get(key) for key in PARAM_COLUMNS.values()]


def _sheet_with_head(wb: Workbook, title: str, head: tuple[str, ...]) -> Worksheet:
    ws: Worksheet = wb.create_sheet(title)
    ws.append(list(head))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index in range(1, len(head) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 18
    return ws


def write_workbook(document: Mapping[str, Any], path: Path) -> None:
    """Write an activity document as a workbook (the inverse of :func:`read_workbook`)."""
    wb = Workbook()
    for sheet in list(wb.worksheets):
        wb.remove(sheet)
    fixed = dt.datetime(2025, 1, 1)  # noqa: DTZ001 - workbook metadata, reproducible bytes
    wb.properties.created = wb.properties.modified = fixed
    ws = _sheet_with_head(wb, INFO, ("项目", "值"))
    period = document.get("period", {})
    values = {"format": document.get("format"), "enterprise": document.get("enterprise"),
              "period.start": str(period.get("start")), "period.end": str(period.get("end")),
              "factor_library_version": document.get("factor_library_version")}  # fmt: skip
    for heading, key in INFO_ROWS.items():
        ws.append([heading, values[key]])
    ws = _sheet_with_head(wb, PRODUCTION, PRODUCTION_HEAD)
    for name, spec in (document.get("production") or {}).items():
        ws.append([name, *_param_cells(spec)])
    ws = _sheet_with_head(wb, SOURCES, SOURCE_HEAD)
    ded = _sheet_with_head(wb, DEDUCTIONS, DEDUCTION_HEAD)
    scope_zh = {v: k for k, v in SCOPES.items()}
    for source in document.get("sources", []):
        head = [source["id"], source.get("name"), source["formula"],
                scope_zh.get(source.get("scope", "clinker_line"))]  # fmt: skip
        for name, spec in source["inputs"].items():
            if name == "deductions":
                for item in spec:
                    ded.append([source["id"], item["material"], item["material_t"],
                                item.get("deduction_tco2_per_t"), item.get("default")])  # fmt: skip
                continue
            ws.append([*head, name, *_param_cells(spec)])
            head = [source["id"], None, None, None]
    ws = _sheet_with_head(wb, CORRELATIONS, CORRELATION_HEAD)
    for item in document.get("correlations") or []:
        ws.append([*item["between"], item["r"]])
    wb.save(path)
