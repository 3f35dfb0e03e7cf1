"""The carbon-flow diagram as an Excel workbook (R7.1.1): export, and import as a new diagram.

The workbook is the JSON document of :mod:`exchange` laid out for people who draw plants in
spreadsheets: a sheet of nodes and a sheet of flows, lists (fed sources, placed instruments) as
comma-separated codes. Import reads the sheets back into that document, so both routes share one
validation; a fault found while reading names its sheet, row and column, and a fault found by the
document check is turned back into the sheet row it came from (``edges[3]`` → 流 row 5).
"""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook, load_workbook

from tanji.errors import CodedError
from tanji.metrology import exchange
from tanji.plant.models import CarbonFlowDiagram
from tanji.tenancy.actor import Actor

__all__ = [
    "EDGE_SHEET",
    "NODE_SHEET",
    "DiagramSheetError",
    "export_diagram_xlsx",
    "import_diagram_xlsx",
]

NODE_SHEET = "节点"
EDGE_SHEET = "流"
META_SHEET = "图"
LISTS = ("feeds", "instruments")
FLOATS = ("x", "y")
SHEETS = {"nodes": NODE_SHEET, "edges": EDGE_SHEET}


class DiagramSheetError(CodedError):
    """A workbook that cannot be read as a carbon-flow diagram."""


def export_diagram_xlsx(actor: Actor, diagram_id: int) -> bytes:
    """The diagram as an .xlsx workbook: sheet 图 (line, title), 节点 (nodes) and 流 (flows)."""
    document = exchange.export_diagram(actor, diagram_id)
    book = Workbook()
    meta = book.active
    assert meta is not None  # a new workbook always has its first sheet
    meta.title = META_SHEET
    meta.append(["format", "line", "title"])
    meta.append([document["format"], document["line"], document["title"]])
    for name, columns in (("nodes", exchange.NODE_KEYS), ("edges", exchange.EDGE_KEYS)):
        sheet = book.create_sheet(SHEETS[name])
        sheet.append(list(columns))
        for item in document[name]:
            sheet.append([_flat(item.get(c)) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _flat(value: Any) -> Any:
    return ", ".join(value) if isinstance(value, list) else value


def import_diagram_xlsx(actor: Actor, line_id: int, content: bytes) -> CarbonFlowDiagram:
    """Create a line's diagram from a workbook made by :func:`export_diagram_xlsx` (or by hand)."""
    book = _open(content)
    document: dict[str, Any] = {"format": exchange.FORMAT, "title": _title(book)}
    for name, sheet in SHEETS.items():
        document[name] = _rows(book, sheet)
    try:
        return exchange.import_diagram(actor, line_id, document)
    except exchange.DiagramFormatError as error:
        raise _located(error) from error


def _open(content: bytes) -> Any:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a non-xlsx file
        raise DiagramSheetError(
            "metrology.diagram_not_xlsx",
            "not an .xlsx workbook: {error}",
            error=type(error).__name__,
        ) from error
    for sheet in SHEETS.values():
        if sheet not in book.sheetnames:
            raise DiagramSheetError(
                "metrology.diagram_sheet", "no sheet named {sheet}", sheet=sheet
            )
    return book


def _title(book: Any) -> str:
    if META_SHEET not in book.sheetnames:
        return ""
    rows = list(book[META_SHEET].iter_rows(values_only=True))
    if len(rows) < 2 or "title" not in rows[0]:
        return ""
    return str(rows[1][list(rows[0]).index("title")] or "")


def _rows(book: Any, sheet: str) -> list[dict[str, Any]]:
    rows = list(book[sheet].iter_rows(values_only=True))
    header = [str(c).strip() if c is not None else "" for c in (rows[0] if rows else ())]
    result = []
    for number, values in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in values):
            continue
        item = {}
        for column, value in zip(header, values, strict=False):
            if column:
                item[column] = _value(sheet, number, column, value)
        result.append(item)
    return result


def _value(sheet: str, row: int, column: str, value: Any) -> Any:
    if column in LISTS:
        return [part.strip() for part in str(value or "").split(",") if part.strip()]
    if column in FLOATS:
        try:
            return float(value or 0)
        except (TypeError, ValueError):
            raise DiagramSheetError(
                "metrology.diagram_cell",
                "sheet {sheet} row {row} column {column}: expected {expected}, got {got!r}",
                sheet=sheet,
                row=row,
                column=column,
                expected="a number",
                got=value,
            ) from None
    return "" if value is None else str(value).strip()


def _located(error: exchange.DiagramFormatError) -> DiagramSheetError:
    """``edges[3].to`` → sheet 流, row 5 (header is row 1), column ``to``."""
    path = str(error.params.get("path", ""))
    match = re.fullmatch(r"(nodes|edges)\[(\d+)\](?:\.(\w+))?", path)
    if match is None:
        return DiagramSheetError(error.code, str(error), **error.params)
    name, index, column = match.groups()
    return DiagramSheetError(
        "metrology.diagram_cell",
        "sheet {sheet} row {row} column {column}: expected {expected}, got {got!r}",
        sheet=SHEETS[name],
        row=int(index) + 2,
        column=column or "",
        expected=error.params.get("expected", ""),
        got=error.params.get("got", ""),
    )
