"""Watched-folder driver for laboratory (LIMS) exports: CSV or xlsx files of analysis results.

Lab systems rarely offer an API but nearly all export files (R7.4.2: key lab instruments upload
automatically). Each file in ``inbox`` is read once a write has settled; every row gives one
reading per mapped column at the row's sample time. A malformed row is rejected with a logged
reason (file, row, column, what was expected) into ``<rejected>/<file>.rejected.csv`` and never
stops the good rows. A file is moved to ``processed`` on the poll *after* its readings were
handed out, so a crash in between re-reads the file instead of losing it (the platform's
``(tag, time)`` key makes the repeat harmless).
"""

from __future__ import annotations

import csv
import logging
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tanji.protocols.readings import QualityFlag, Reading
from tanji.terminal.drivers.base import DriverError

log = logging.getLogger(__name__)
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class ColumnMap:
    """One result column of the export and the tag it feeds."""

    column: str
    tag: str
    unit: str


@dataclass(frozen=True)
class LimsFolderConfig:
    """A watched folder.

    Attributes:
        name: instrument name (the lab system).
        inbox: folder the LIMS writes exports into.
        processed: where fully read files go.
        rejected: where rejected-row reports go.
        time_column: column holding the sample time.
        time_format: ``strptime`` format of that column (xlsx date cells need none).
        timezone: zone of the naive times in the export (labs write local time).
        columns: result columns to read.
        settle_s: a file younger than this may still be written and is left for later.
    """

    name: str
    inbox: Path
    processed: Path
    rejected: Path
    time_column: str
    columns: tuple[ColumnMap, ...]
    time_format: str = "%Y-%m-%d %H:%M:%S"
    timezone: str = "Asia/Shanghai"
    settle_s: float = 2.0


@dataclass(frozen=True)
class RejectedRow:
    """Why one row (or one cell) was not turned into a reading."""

    row: int
    column: str
    reason: str


class LimsFolderDriver:
    """Reads settled export files and moves them out of the inbox."""

    passthrough = True  # lab results are not averaged: each is its own sample

    def __init__(self, config: LimsFolderConfig) -> None:
        self.config = config
        self._zone = ZoneInfo(config.timezone)
        self._handed_out: list[Path] = []
        for folder in (config.inbox, config.processed, config.rejected):
            folder.mkdir(parents=True, exist_ok=True)

    @property
    def name(self) -> str:
        """Instrument name."""
        return self.config.name

    def tags(self) -> Sequence[str]:
        """Tags of the mapped columns."""
        return tuple(c.tag for c in self.config.columns)

    def poll(self, now: datetime, tags: Sequence[str] | None = None) -> list[Reading]:
        """Finish files handed out last time, then read every settled new file."""
        self._finish()
        readings: list[Reading] = []
        cutoff = time.time() - self.config.settle_s
        for path in sorted(self.config.inbox.iterdir()):
            if path.suffix.lower() not in SUFFIXES or path.stat().st_mtime > cutoff:
                continue
            readings.extend(self.read_file(path))
            self._handed_out.append(path)
        return readings

    def read_file(self, path: Path) -> list[Reading]:
        """Readings of one file; rejected rows are reported beside it."""
        rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)
        readings: list[Reading] = []
        rejected: list[RejectedRow] = []
        header: list[str] | None = None
        for number, row in rows:
            if header is None:
                header = [str(c).strip() for c in row]
                missing = {self.config.time_column, *(c.column for c in self.config.columns)}
                missing -= set(header)
                if missing:
                    rejected.append(
                        RejectedRow(
                            number, ",".join(sorted(missing)), "missing column(s) in header"
                        )
                    )
                    break
                continue
            readings.extend(self._row(dict(zip(header, row, strict=False)), number, rejected))
        if header is None:
            rejected.append(RejectedRow(0, "", "empty file"))
        self._report(path, rejected)
        return readings

    def _row(
        self, row: Mapping[str, Any], number: int, rejected: list[RejectedRow]
    ) -> list[Reading]:
        try:
            moment = self._time(row.get(self.config.time_column))
        except ValueError as exc:
            rejected.append(RejectedRow(number, self.config.time_column, str(exc)))
            return []
        out = []
        for column in self.config.columns:
            cell = row.get(column.column)
            if cell is None or str(cell).strip() == "":
                continue  # not every sample is analysed for every quantity
            try:
                value = (
                    float(str(cell).strip()) if not isinstance(cell, int | float) else float(cell)
                )
                if not math.isfinite(value):
                    raise ValueError("not finite")
            except ValueError:
                rejected.append(
                    RejectedRow(
                        number, column.column, f"expected a number in {column.unit}, got {cell!r}"
                    )
                )
                continue
            out.append(Reading(column.tag, moment, value, column.unit, QualityFlag.NORMAL))
        return out

    def _time(self, cell: object) -> datetime:
        if isinstance(cell, datetime):
            moment = cell
        elif isinstance(cell, str) and cell.strip():
            try:
                moment = datetime.strptime(cell.strip(), self.config.time_format)  # noqa: DTZ007
            except ValueError:
                raise ValueError(
                    f"expected a time like {self.config.time_format}, got {cell!r}"
                ) from None
        else:
            raise ValueError(f"expected a sample time, got {cell!r}")
        return moment if moment.tzinfo else moment.replace(tzinfo=self._zone)

    def _report(self, path: Path, rejected: list[RejectedRow]) -> None:
        if not rejected:
            return
        target = self.config.rejected / f"{path.name}.rejected.csv"
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "column", "reason"])
            for entry in rejected:
                log.warning(
                    "%s: %s row %d column %s rejected: %s",
                    self.name,
                    path.name,
                    entry.row,
                    entry.column,
                    entry.reason,
                )
                writer.writerow([entry.row, entry.column, entry.reason])

    def _finish(self) -> None:
        for path in self._handed_out:
            if path.exists():
                path.replace(self.config.processed / path.name)
        self._handed_out.clear()

    def close(self) -> None:
        """Nothing held open between polls."""


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from enumerate(csv.reader(handle), start=1)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        book.close()


def from_settings(name: str, settings: Mapping[str, Any]) -> LimsFolderDriver:
    """Factory for ``driver = "lims_csv"``."""
    try:
        columns = tuple(ColumnMap(**c) for c in settings["columns"])
        fields = {k: v for k, v in settings.items() if k != "columns"}
        for key in ("inbox", "processed", "rejected"):
            fields[key] = Path(fields[key])
        return LimsFolderDriver(LimsFolderConfig(name=name, columns=columns, **fields))
    except (KeyError, TypeError) as exc:
        raise DriverError(
            "driver.lims.settings",
            "{name}: settings need inbox, processed, rejected, time_column and columns "
            "[{{column, tag, unit}}]: {error}",
            name=name,
            error=str(exc),
        ) from None
