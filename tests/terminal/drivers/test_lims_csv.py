import csv
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tanji.terminal.drivers import build_driver
from tanji.terminal.drivers.base import DriverError
from tanji.terminal.drivers.lims_csv import LimsFolderDriver

NOW = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


def _driver(tmp_path: Path) -> LimsFolderDriver:
    driver = build_driver(
        "lims_csv",
        "lims",
        {
            "inbox": str(tmp_path / "in"),
            "processed": str(tmp_path / "done"),
            "rejected": str(tmp_path / "bad"),
            "time_column": "SampleTime",
            "settle_s": 0,
            "columns": [
                {"column": "NCV", "tag": "L1.COAL.NCV", "unit": "GJ/t"},
                {"column": "C", "tag": "L1.COAL.C", "unit": "%"},
            ],
        },
    )
    assert isinstance(driver, LimsFolderDriver)
    return driver


def _report(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def _settled(path: Path) -> None:
    os.utime(path, (0, 0))


def test_reads_rows_rejects_malformed_ones_and_moves_the_file(tmp_path):
    driver = _driver(tmp_path)
    export = tmp_path / "in" / "lab-0610.csv"
    export.write_text(
        "SampleTime,NCV,C,Operator\n"
        "2025-06-10 07:00:00,23.45,61.2,Li\n"
        "2025-06-10 08:00:00,abc,60.9,Li\n"
        "10/06/2025 09:00,23.1,60.1,Wang\n"
        "2025-06-10 10:00:00,,59.8,Wang\n",
        encoding="utf-8",
    )
    _settled(export)
    readings = driver.poll(NOW)
    got = [(r.tag, r.time.astimezone(UTC).hour, r.value) for r in readings]
    assert got == [
        ("L1.COAL.NCV", 23, 23.45),
        ("L1.COAL.C", 23, 61.2),
        ("L1.COAL.C", 0, 60.9),
        ("L1.COAL.C", 2, 59.8),
    ]  # Asia/Shanghai → UTC
    report = _report(tmp_path / "bad" / "lab-0610.csv.rejected.csv")
    assert report[0] == ["3", "NCV", "expected a number in GJ/t, got 'abc'"]
    assert report[1][:2] == ["4", "SampleTime"]
    assert report[1][2].startswith("expected a time like %Y-%m-%d %H:%M:%S")
    assert export.exists()  # moved only once the readings were handed over
    assert driver.poll(NOW) == []
    assert not export.exists()
    assert (tmp_path / "done" / "lab-0610.csv").exists()


def test_reads_xlsx_exports_with_date_cells(tmp_path):
    driver = _driver(tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["SampleTime", "NCV", "C"])
    sheet.append([datetime(2025, 6, 10, 7, 0), 22.9, 60.0])  # noqa: DTZ001 - as Excel stores it
    path = tmp_path / "in" / "lab.xlsx"
    book.save(path)
    _settled(path)
    readings = driver.poll(NOW)
    assert [(r.tag, r.value) for r in readings] == [("L1.COAL.NCV", 22.9), ("L1.COAL.C", 60.0)]
    assert readings[0].time == datetime(2025, 6, 9, 23, 0, tzinfo=UTC)


def test_file_with_a_wrong_header_is_rejected_whole(tmp_path):
    driver = _driver(tmp_path)
    export = tmp_path / "in" / "wrong.csv"
    export.write_text("Time,NCV\n2025-06-10 07:00:00,23\n", encoding="utf-8")
    _settled(export)
    assert driver.poll(NOW) == []
    report = _report(tmp_path / "bad" / "wrong.csv.rejected.csv")
    assert report == [["1", "C,SampleTime", "missing column(s) in header"]]


def test_files_still_being_written_are_left_alone(tmp_path):
    driver = _driver(tmp_path)
    driver.config = type(driver.config)(**{**driver.config.__dict__, "settle_s": 3600})
    (tmp_path / "in" / "fresh.csv").write_text("SampleTime,NCV,C\n", encoding="utf-8")
    assert driver.poll(NOW) == []
    assert (tmp_path / "in" / "fresh.csv").exists()


def test_missing_settings_are_named(tmp_path):
    with pytest.raises(DriverError) as caught:
        build_driver("lims_csv", "lims", {"inbox": str(tmp_path)})
    assert caught.value.code == "driver.lims.settings"
