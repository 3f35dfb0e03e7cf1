"""Import of lab analyses from CSV or Excel: one row per sample, one column per parameter.

Each row is recorded through :func:`tanji.plant.lab.record_lab_analysis` in its own
transaction, so a bad row is reported (row number, translated message) and the good rows are
kept — a LIMS export with one typo must not cost the lab the whole batch.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.utils import timezone
from openpyxl import load_workbook

from tanji.errors import CodedError
from tanji.plant import lab, queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.web.error_messages import translate

REQUIRED = ("sample_id", "material", "sampled_at", "analysed_at", "method_standard")

#: Parameter columns: column name → (parameter, unit).
PARAMETER_COLUMNS: dict[str, tuple[str, str]] = {
    "ncv_gj_per_t": ("ncv", "GJ/t"),
    "carbon_content_tc_per_gj": ("carbon_content", "tC/GJ"),
    "carbon_mass_fraction_pct": ("carbon_mass_fraction", "%"),
    "fossil_carbon_fraction_pct": ("fossil_carbon_fraction", "%"),
    "cao_pct": ("cao", "%"),
    "mgo_pct": ("mgo", "%"),
    "non_carbonate_cao_pct": ("non_carbonate_cao", "%"),
    "moisture_pct": ("moisture", "%"),
    "loss_on_ignition_pct": ("loss_on_ignition", "%"),
}
#: A parameter column's standard uncertainty is in ``<column>_u`` (same unit).
UNCERTAINTY_SUFFIX = "_u"


class ImportError_(CodedError):
    """The file or one of its cells cannot be read."""


@dataclass
class ImportReport:
    """What an import did: analyses created, and each refused row with its reason."""

    created: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_rows(upload: IO[bytes], filename: str) -> Iterator[dict[str, str]]:
    """Rows of the file as dicts of stripped strings (CSV in UTF-8, or the first sheet)."""
    if filename.lower().endswith(".csv"):
        text = io.TextIOWrapper(upload, encoding="utf-8-sig")
        for row in csv.DictReader(text):
            yield {k.strip(): (v or "").strip() for k, v in row.items() if k}
        return
    if not filename.lower().endswith(".xlsx"):
        raise ImportError_("web.import_format", "not a CSV or .xlsx file")
    sheet = load_workbook(upload, read_only=True, data_only=True).active
    assert sheet is not None
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    for values in rows:
        yield {h: _cell(v) for h, v in zip(header, values, strict=False) if h}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()


def check_header(columns: list[str]) -> None:
    """Refuse a file that lacks a required column."""
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportError_(
            "web.import_header", "missing columns {missing}", missing=", ".join(missing)
        )


def _number(row: int, column: str, text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError as error:
        raise ImportError_(
            "web.import_value",
            "row {row}, column {column}: {value!r} is not {expected}",
            row=row,
            column=column,
            value=text,
            expected="a number",
        ) from error


def _time(row: int, column: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise ImportError_(
            "web.import_value",
            "row {row}, column {column}: {value!r} is not {expected}",
            row=row,
            column=column,
            value=text,
            expected="a date and time (ISO 8601)",
        ) from error
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _results(row: int, cells: dict[str, str]) -> list[lab.ResultInput]:
    results = []
    for column, (parameter, unit) in PARAMETER_COLUMNS.items():
        if cells.get(column):
            u_text = cells.get(column + UNCERTAINTY_SUFFIX, "")
            results.append(
                lab.ResultInput(
                    parameter=parameter,
                    value=_number(row, column, cells[column]),
                    unit=unit,
                    standard_uncertainty=_number(row, column + "_u", u_text) if u_text else None,
                )
            )
    return results


def _record(actor: Actor, enterprise_id: int, row: int, cells: dict[str, str]) -> str:
    line_id = None
    if cells.get("line"):
        line = plant_queries.lines(actor).filter(enterprise_id=enterprise_id, code=cells["line"])
        line_id = line.values_list("pk", flat=True).first()
        if line_id is None:
            raise ImportError_(
                "web.import_value",
                "row {row}, column {column}: {value!r} is not {expected}",
                row=row,
                column="line",
                value=cells["line"],
                expected="a line code",
            )
    analysis = lab.record_lab_analysis(
        actor,
        enterprise_id=enterprise_id,
        line_id=line_id,
        sample_id=cells["sample_id"],
        material=cells["material"],
        sampled_at=_time(row, "sampled_at", cells["sampled_at"]),
        analysed_at=_time(row, "analysed_at", cells["analysed_at"]),
        method_standard=cells["method_standard"],
        results=_results(row, cells),
        channel="file",
    )
    return analysis.sample_id


def import_analyses(
    actor: Actor, enterprise_id: int, upload: IO[bytes], filename: str
) -> ImportReport:
    """Record every good row; collect (row number, message) for the others (row 2 = first data)."""
    report = ImportReport()
    try:
        rows = list(read_rows(upload, filename))
        check_header(list(rows[0]) if rows else [])
    except (ValueError, csv.Error, OSError, KeyError, zipfile.BadZipFile) as error:
        message = translate(error) if isinstance(error, CodedError) else str(error)
        report.errors.append((1, message))
        return report
    for number, cells in enumerate(rows, start=2):
        try:
            report.created.append(_record(actor, enterprise_id, number, cells))
        except CodedError as error:
            report.errors.append((number, translate(error)))
    return report
