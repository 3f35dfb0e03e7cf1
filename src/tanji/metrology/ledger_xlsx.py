"""The instrument ledger as an Excel sheet (R7.1.2): export, and import with row errors.

Import is all-or-nothing: every row is checked, every fault is collected with its sheet row and
column, and nothing is written unless the whole sheet is clean — a half-imported ledger would be
worse than none.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook

from tanji.errors import CodedError
from tanji.metrology import queries, services
from tanji.metrology.ledger import ledger_rows
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor

__all__ = ["COLUMNS", "LedgerImportError", "export_ledger_xlsx", "import_ledger_xlsx"]

SHEET = "台账"
#: Sheet columns: the ledger fields an enterprise maintains (links are set on the pages).
COLUMNS = (
    "code",
    "name_zh",
    "instrument_type",
    "maker",
    "model",
    "serial_number",
    "range_min",
    "range_max",
    "range_unit",
    "accuracy_class",
    "metering_level",
    "energy_kind",
    "use",
    "measured_medium",
    "install_location",
    "installed_on",
    "responsible",
)
REQUIRED = (
    "code",
    "name_zh",
    "instrument_type",
    "range_min",
    "range_max",
    "range_unit",
    "accuracy_class",
    "installed_on",
    "responsible",
)
FLOATS = ("range_min", "range_max")


@dataclass(frozen=True)
class RowError:
    """One fault: sheet row (1 = header), column, what was wrong."""

    row: int
    column: str
    message: str


class LedgerImportError(CodedError):
    """A sheet that cannot be imported; ``params['errors']`` lists every fault."""


def export_ledger_xlsx(actor: Actor, enterprise_id: int, year: int) -> bytes:
    """The ledger of ``year`` as an .xlsx workbook (one sheet, header row of field names)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for row in ledger_rows(actor, enterprise_id, year):
        sheet.append([row[c] for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(column: str, value: Any, row: int, errors: list[RowError]) -> Any:
    if value in (None, ""):
        if column in REQUIRED:
            errors.append(RowError(row, column, "required"))
        return "" if column not in FLOATS else None
    if column in FLOATS:
        try:
            return float(value)
        except (TypeError, ValueError):
            errors.append(RowError(row, column, f"expected a number, got {value!r}"))
            return None
    if column == "installed_on":
        if isinstance(value, datetime):
            return value.date()
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            errors.append(RowError(row, column, f"expected a date YYYY-MM-DD, got {value!r}"))
            return None
    return str(value).strip()


def _read(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a non-xlsx file
        raise LedgerImportError(
            "metrology.ledger_not_xlsx",
            "not an .xlsx workbook: {error}",
            error=type(error).__name__,
        ) from error
    if SHEET not in book.sheetnames:
        raise LedgerImportError("metrology.ledger_sheet", "no sheet named {sheet}", sheet=SHEET)
    rows = list(book[SHEET].iter_rows(values_only=True))
    header = [str(c).strip() if c is not None else "" for c in (rows[0] if rows else ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise LedgerImportError(
            "metrology.ledger_header", "header lacks columns {missing}", missing=", ".join(missing)
        )
    return [
        (n, dict(zip(header, values, strict=False)))
        for n, values in enumerate(rows[1:], start=2)
        if any(v not in (None, "") for v in values)
    ]


@transaction.atomic
def import_ledger_xlsx(actor: Actor, enterprise_id: int, content: bytes) -> dict[str, int]:
    """Create or update instruments from a sheet; returns counts, or raises with every error."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    users = dict(tenancy_queries.users(actor).values_list("username", "pk"))
    existing = dict(
        queries.instruments(actor).filter(enterprise=enterprise).values_list("code", "pk")
    )
    errors: list[RowError] = []
    counts = {"created": 0, "updated": 0}
    for number, raw in _read(content):
        before = len(errors)
        values = {c: _cell(c, raw.get(c), number, errors) for c in COLUMNS if c in raw}
        responsible = users.get(values.pop("responsible", ""))
        if responsible is None:
            errors.append(RowError(number, "responsible", "no such user"))
            continue
        if len(errors) > before:
            continue
        try:
            with transaction.atomic():
                _write(actor, enterprise.pk, existing, values, responsible, counts)
        except CodedError as error:
            field = str(error.params.get("field", "")).removesuffix("_id")
            errors.append(RowError(number, field or "row", str(error)))
    if errors:
        transaction.set_rollback(True)
        raise LedgerImportError(
            "metrology.ledger_rows",
            "{count} faulty cells, first: row {row} {column}: {detail}",
            count=len(errors),
            row=errors[0].row,
            column=errors[0].column,
            detail=errors[0].message,
            errors=[vars(e) for e in errors],
        )
    return counts


def _write(
    actor: Actor,
    enterprise_id: int,
    existing: dict[str, int],
    values: dict[str, Any],
    responsible: int,
    counts: dict[str, int],
) -> None:
    code = values["code"]
    if code in existing:
        services.update_instrument(actor, existing[code], responsible_id=responsible, **values)
        counts["updated"] += 1
    else:
        services.create_instrument(
            actor, enterprise_id=enterprise_id, responsible_id=responsible, **values
        )
        counts["created"] += 1
