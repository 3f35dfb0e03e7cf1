"""The bridge from simulated tags and lab results to the demo plant's codes and parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tanji.simulator import TAG_MAP, Frame
from tanji.simulator.bridge import TAG_BRIDGE, platform_analyses, platform_code, sample_rows
from tanji.simulator.lab import LabResult


def test_codes_land_on_the_line_or_the_site() -> None:
    assert platform_code("L1.COAL.PC.TOT", "L2", "S1") == "L2-COAL-CA-TOT"
    assert platform_code("L1.EL.IMPORT", "L2", "S1") == "S1-EL-PURCHASED"
    assert platform_code("L1.EL.CEMMILL", "L2", "S1") is None
    assert set(TAG_BRIDGE) <= set(TAG_MAP)


def test_rows_convert_units_keep_flags_and_skip_gaps() -> None:
    frame = Frame(
        np.array([100, 101], np.int64),
        {"L1.CEMS.PRES": np.array([-0.8, np.nan]), "L1.EL.CEMMILL": np.array([1.0, 2.0])},
        {"L1.CEMS.PRES": np.array([0, 1], np.uint8), "L1.EL.CEMMILL": np.array([0, 0], np.uint8)},
    )
    rows = list(sample_rows(frame, {"L1-CEMS-PRESS": 7}, "L1", "S1"))
    assert rows == [(7, 6_000_000, pytest.approx(-800.0), "N")]


def test_coal_carbon_becomes_carbon_per_unit_heat() -> None:
    at = datetime(2025, 6, 1, tzinfo=UTC)
    common = {
        "period_start": at,
        "period_end": at + timedelta(days=2),
        "reported_at": at + timedelta(hours=6),
        "method": "GB/T 213",
    }
    results = [
        LabResult("C1", "coal", "ncv", 22.5, "GJ/t", 0.225, **common),
        LabResult("C1", "coal", "carbon", 58.9, "%", 1.178, **common),
    ]
    (analysis,) = platform_analyses(results)
    values = {p: (v, u) for p, v, _, u in analysis.results}
    assert values["ncv"] == (22.5, 0.225)
    carbon, u = values["carbon_content"]
    assert carbon == pytest.approx(0.589 / 22.5)
    assert u == pytest.approx(carbon * np.hypot(0.02, 0.01))
    assert (analysis.material, analysis.analysed_at) == ("coal", at + timedelta(hours=6))
