from __future__ import annotations

import numpy as np
import pytest

from tanji.accounting.cems import (
    CemsInputError,
    actual_wet_flow_m3,
    cems_minute,
    co2_mg_per_m3,
    dry_concentration,
    flue_velocity_m_per_s,
    standard_dry_flow_m3,
)
from tests.accounting.worked_examples import load_example

TV06 = load_example("tv06_cems_minute")


def test_tv06_minute_matches_worked_example() -> None:
    result = cems_minute(**TV06["inputs"])
    for name, expected in TV06["expected"].items():
        assert float(getattr(result, name)) == pytest.approx(expected, rel=TV06["rel_tol"])


def test_tv06_intermediates() -> None:
    i = TV06["inputs"]
    velocity = flue_velocity_m_per_s(i["point_velocity_m_per_s"], i["velocity_coefficient"])
    actual = actual_wet_flow_m3(i["duct_area_m2"], velocity, 60.0)
    tol = TV06["intermediates_rel_tol"]
    assert float(velocity) == pytest.approx(TV06["intermediates"]["velocity_m_per_s"], rel=tol)
    assert float(actual) == pytest.approx(TV06["intermediates"]["actual_wet_flow_m3"], rel=tol)


def test_co2_density_convention_is_44_01_over_22_4() -> None:
    # 100 %vol = 1.96473 kg/m³ (standards.md §4.1), not the real-gas 1.977
    assert float(co2_mg_per_m3(100.0)) == pytest.approx(1_964_732.142857, rel=1e-12)


def test_standard_state_is_identity_at_273_k_and_101325_pa_dry() -> None:
    assert float(standard_dry_flow_m3(1000.0, 0.0, 101_325.0, 0.0, 0.0)) == 1000.0


def test_wet_to_dry() -> None:
    assert float(dry_concentration(18.0, 0.1)) == pytest.approx(20.0)


def test_formulas_broadcast_over_arrays() -> None:
    i = dict(TV06["inputs"])
    i["co2_dry_pct_vol"] = np.array([22.5, 11.25, 0.0])
    result = cems_minute(**i)
    assert result.co2_kg.shape == (3,)
    assert result.co2_kg[1] == pytest.approx(result.co2_kg[0] / 2)
    assert result.co2_kg[2] == 0.0


@pytest.mark.parametrize(
    ("field", "value", "row"),
    [
        ("moisture_fraction", [0.1, 1.0], 1),
        ("co2_dry_pct_vol", [22.0, 101.0], 1),
        ("point_velocity_m_per_s", [-1.0, 2.0], 0),
        ("flue_temp_c", [20.0, np.nan], 1),
        ("duct_area_m2", 0.0, 0),
    ],
)
def test_rejects_out_of_range_input_naming_field_row_and_unit(
    field: str, value: object, row: int
) -> None:
    i = dict(TV06["inputs"])
    i[field] = value
    with pytest.raises(CemsInputError) as caught:
        cems_minute(**i)
    assert caught.value.code == "cems.out_of_range"
    assert caught.value.params["field"] == field
    assert caught.value.params["row"] == row
    assert caught.value.params["unit"]


def test_rejects_negative_absolute_duct_pressure() -> None:
    i = dict(TV06["inputs"], static_pressure_pa=-200_000.0)
    with pytest.raises(CemsInputError) as caught:
        cems_minute(**i)
    assert caught.value.params["field"] == "ambient_pressure_pa + static_pressure_pa"


def test_rejects_text_where_numbers_are_expected() -> None:
    with pytest.raises(CemsInputError) as caught:
        co2_mg_per_m3("high")
    assert caught.value.code == "cems.not_numeric"
