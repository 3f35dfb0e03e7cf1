"""The emission-factor library: data files, lookups by key and date, provenance, bad files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tanji.accounting.errors import FactorError
from tanji.accounting.factors import Confidence, Origin, load_library
from tanji.accounting.factors.library import DATA_DIR

LIBRARY = load_library()


def test_every_entry_has_provenance_and_a_tag() -> None:
    entries = [e for group in LIBRARY.entries.values() for e in group]
    assert len(entries) > 100
    for entry in entries:
        assert entry.source
        assert entry.clause
        assert entry.unit
        assert isinstance(entry.confidence, Confidence)
    assert LIBRARY.version == "2026.1"
    assert len(LIBRARY.digest) == 64


@pytest.mark.parametrize(
    ("key", "day", "value", "entry_id"),
    [
        ("grid.national", dt.date(2021, 6, 1), 0.5568, "grid.national.2021"),
        ("grid.national", dt.date(2022, 6, 1), 0.5366, "grid.national.2022"),
        ("grid.national", dt.date(2025, 3, 1), 0.5306, "grid.national.2023"),
        ("grid.central_china", dt.date(2023, 1, 1), 0.5271, "grid.central_china.2023"),
        ("grid.hubei", dt.date(2025, 3, 1), 0.4364, "grid.hubei.2022"),
        ("fuel.gbt32151_2015.diesel.ncv", dt.date(2025, 3, 1), 42.652, None),
        ("fuel.mee_2022.bituminous_coal.ncv", dt.date(2025, 3, 1), 23.204, None),
        ("clinker.factor.portland", dt.date(2025, 3, 1), 0.535, None),
        ("clinker.deduction.steel_slag", dt.date(2025, 3, 1), 0.215, None),
        ("alt.waste_tyres.fossil_carbon_fraction", dt.date(2025, 3, 1), 0.2, None),
        ("ipcc.textiles.fossil_carbon_fraction", dt.date(2025, 3, 1), 0.2, None),
        ("heat.factor", dt.date(2025, 3, 1), 0.11, None),
        ("raw_meal.toc_fraction", dt.date(2025, 3, 1), 0.001, None),
    ],
)
def test_lookup_by_key_and_date(key: str, day: dt.date, value: float, entry_id: str | None) -> None:
    entry = LIBRARY.lookup(key, day)
    assert entry.value == value
    if entry_id:
        assert entry.id == entry_id
    assert LIBRARY.by_id(entry.id) is entry


def test_confidence_tags_are_kept() -> None:
    assert LIBRARY.lookup("grid.national", dt.date(2025, 1, 1)).confidence is Confidence.F3
    assert (
        LIBRARY.lookup("raw_meal.to_clinker_ratio", dt.date(2025, 1, 1)).confidence is Confidence.I
    )
    coal_of = LIBRARY.lookup(
        "fuel.gbt32151_2015.bituminous_coal.oxidation_rate", dt.date(2025, 1, 1)
    )
    assert coal_of.confidence is Confidence.R
    assert "verify" in coal_of.source
    grid = LIBRARY.lookup("grid.national", dt.date(2025, 1, 1))
    assert grid.attributes["data_year"] == 2023
    assert grid.attributes["notice"] == "MEE/NBS 2025 No.47"


def test_use_records_id_and_version() -> None:
    use = LIBRARY.use("grid_factor_tco2_per_mwh", "grid.national", dt.date(2025, 3, 1))
    assert (use.entry_id, use.library_version, use.origin) == (
        "grid.national.2023",
        "2026.1",
        Origin.DEFAULT,
    )
    assert "No.47" in use.source


def test_unknown_key_date_and_id() -> None:
    with pytest.raises(FactorError) as info:
        LIBRARY.lookup("grid.mars", dt.date(2025, 1, 1))
    assert info.value.code == "factors.unknown_key"
    with pytest.raises(FactorError) as info:
        LIBRARY.lookup("grid.national", dt.date(2019, 1, 1))
    assert info.value.code == "factors.not_valid"
    with pytest.raises(FactorError) as info:
        LIBRARY.by_id("nope")
    assert info.value.code == "factors.unknown_id"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "lib"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.mark.parametrize(
    ("file", "text", "code"),
    [
        ("manifest.yaml", "format: other\n", "factors.bad_manifest"),
        ("manifest.yaml", "- a list\n", "factors.bad_file"),
        ("heat.yaml", "entries:\n  - {id: x, key: y}\n", "factors.missing_field"),
        ("heat.yaml", "entries:\n  - [1, 2]\n", "factors.missing_field"),
        (
            "heat.yaml",
            "entries:\n  - {id: x, key: y, value: abc, unit: t, source: s, clause: c,"
            " confidence: F, valid_from: 2020-01-01}\n",
            "factors.bad_field",
        ),
        (
            "heat.yaml",
            "entries:\n  - {id: x, key: y, value: 1, unit: t, source: s, clause: c,"
            " confidence: Z, valid_from: 2020-01-01}\n",
            "factors.bad_field",
        ),
        (
            "heat.yaml",
            "entries:\n  - {id: grid.hubei.2021, key: y, value: 1, unit: t, source: s,"
            " clause: c, confidence: F, valid_from: '2020-01-01',"
            " valid_to: '2020-12-31'}\n",
            "factors.duplicate_id",
        ),
    ],
)
def test_bad_library_files(tmp_path: Path, file: str, text: str, code: str) -> None:
    root = _copy(tmp_path)
    (root / file).write_text(text, encoding="utf-8")
    with pytest.raises(FactorError) as info:
        load_library(root)
    assert info.value.code == code


def test_missing_file(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "heat.yaml").unlink()
    with pytest.raises(FactorError) as info:
        load_library(root)
    assert info.value.code == "factors.missing_file"


def test_string_dates_and_empty_file(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "heat.yaml").write_text(
        "entries:\n  - {id: h, key: heat.factor, value: 0.1, unit: tCO2/GJ, source: s, clause: c,"
        " confidence: I, valid_from: '2020-01-01', valid_to: '2030-12-31'}\n",
        encoding="utf-8",
    )
    (root / "clinker.yaml").write_text("entries:\n", encoding="utf-8")
    library = load_library(root)
    assert library.lookup("heat.factor", dt.date(2025, 1, 1)).valid_to == dt.date(2030, 12, 31)
    assert "clinker.factor.portland" not in library.entries
