from __future__ import annotations

import numpy as np
import pytest

from tanji.accounting.cems import (
    CemsInputError,
    actual_wet_flow_m3,
    cems_hour,
    cems_hour_mass_sum,
    co2_mass_kg,
    hourly_means,
    standard_dry_flow_m3,
)
from tests.accounting.cems.factories import STACK, hour_case, minutes
from tests.accounting.worked_examples import load_example

TV07 = load_example("tv07_cems_hour")


def test_tv07_hourly_formulas_from_printed_means() -> None:
    case = TV07["hour_means"]
    i, expected, tol = case["inputs"], case["expected"], case["rel_tol"]
    actual = actual_wet_flow_m3(i["duct_area_m2"], i["velocity_m_per_s"], 3600.0)
    flow = standard_dry_flow_m3(
        actual,
        i["flue_temp_c"],
        i["ambient_pressure_pa"],
        i["static_pressure_pa"],
        i["moisture_fraction"],
    )
    assert float(actual) == pytest.approx(expected["actual_wet_flow_m3"], rel=tol)
    assert float(flow) == pytest.approx(expected["std_dry_flow_m3"], rel=tol)
    mass = co2_mass_kg(i["co2_mg_per_m3"], flow)
    assert float(mass) == pytest.approx(expected["co2_kg"], rel=tol)


def test_tv07_appendix_d_hour_from_minutes() -> None:
    case = TV07["minutes_case"]
    result = cems_hour(**hour_case(case))
    expected = case["expected"]
    assert int(result.valid_minutes) == expected["valid_minutes"]
    assert bool(result.valid) is expected["valid"]
    assert float(result.std_dry_flow_m3) == pytest.approx(expected["std_dry_flow_m3"], rel=1e-6)
    assert float(result.co2_kg) == pytest.approx(expected["co2_kg"], rel=1e-6)
    assert result.method == "hj212_appendix_d"


def test_tv07_mass_sum_scaled_60_over_57_agrees_within_0_004_pct() -> None:
    case = TV07["minutes_case"]
    inputs = hour_case(case)
    appendix_d = float(cems_hour(**inputs).co2_kg)
    mass_sum = cems_hour_mass_sum(**inputs)
    difference_pct = (float(mass_sum.co2_kg) / appendix_d - 1) * 100
    expected = case["mass_sum_vs_appendix_d_pct"]
    assert difference_pct == pytest.approx(expected, abs=case["mass_sum_vs_appendix_d_abs_tol_pct"])
    assert mass_sum.method == "flow_weighted_mass_sum"
    flow_weighted = float(mass_sum.co2_kg) / float(mass_sum.std_dry_flow_m3) * 1e6
    assert float(mass_sum.co2_mg_per_m3) == pytest.approx(flow_weighted)


def test_hour_with_fewer_than_45_valid_minutes_is_invalid_and_nan() -> None:
    data = minutes(1)
    data["flag"][0, :16] = "M"  # 44 valid
    result = cems_hour(**STACK, **data)
    assert int(result.valid_minutes[0]) == 44
    assert not result.valid[0]
    assert np.isnan(result.co2_kg[0])
    assert cems_hour(**STACK, **data, min_valid_minutes=44).valid[0]


def test_flagged_minutes_may_hold_nan_or_garbage() -> None:
    data = minutes(2)
    data["flag"][:, :5] = "D"
    reference = cems_hour(**STACK, **data)
    for name in ("point_velocity_m_per_s", "co2_dry_pct_vol", "moisture_fraction"):
        data[name][:, :5] = np.nan if name != "moisture_fraction" else 7.0
    again = cems_hour(**STACK, **data)
    np.testing.assert_array_equal(again.co2_kg, reference.co2_kg)


def test_bool_mask_is_accepted_as_flags() -> None:
    data = minutes(3, invalid_fraction=0.1)
    by_letter = cems_hour(**STACK, **data)
    data["flag"] = data["flag"] == "N"
    by_mask = cems_hour(**STACK, **data)
    np.testing.assert_array_equal(by_letter.co2_kg, by_mask.co2_kg)


def test_hour_without_any_valid_minute() -> None:
    data = minutes(2)
    data["flag"][1] = "F"
    result = cems_hour_mass_sum(**STACK, **data)
    assert result.valid.tolist() == [True, False]
    assert int(result.valid_minutes[1]) == 0


def test_per_minute_static_pressure_is_averaged_over_valid_minutes() -> None:
    data = minutes(1)
    stack = dict(STACK, static_pressure_pa=np.full((1, 60), -800.0))
    stack["static_pressure_pa"][0, :3] = 5.0e6  # flagged: never used
    data["flag"][0, :3] = "C"
    a = cems_hour(**stack, **data)
    b = cems_hour(**STACK, **data)
    assert float(a.co2_kg[0]) == pytest.approx(float(b.co2_kg[0]), rel=1e-12)


def test_rejects_flags_of_another_shape() -> None:
    data = minutes(1)
    data["flag"] = data["flag"][:, :59]
    with pytest.raises(CemsInputError) as caught:
        cems_hour(**STACK, **data)
    assert caught.value.code == "cems.flag_shape"


def test_rejects_minute_arrays_of_different_shapes() -> None:
    data = minutes(1)
    data["flue_temp_c"] = data["flue_temp_c"][0, :30]
    with pytest.raises(CemsInputError) as caught:
        cems_hour(**STACK, **data)
    assert caught.value.params["field"] == "flue_temp_c"


@pytest.mark.parametrize("minimum", [0, 61])
def test_rejects_impossible_minimum_count(minimum: int) -> None:
    with pytest.raises(CemsInputError) as caught:
        cems_hour(**STACK, **minutes(1), min_valid_minutes=minimum)
    assert caught.value.code == "cems.min_valid_minutes"


def test_rejects_scalar_minutes() -> None:
    data = {k: (v[0, 0] if k != "flag" else "N") for k, v in minutes(1).items()}
    with pytest.raises(CemsInputError) as caught:
        cems_hour(**STACK, **data)
    assert caught.value.code == "cems.minutes_shape"


def test_hourly_means_of_any_tag_follow_the_45_minute_rule() -> None:
    values = np.arange(2 * 60, dtype=float).reshape(2, 60)
    flags = np.full((2, 60), "N")
    flags[0, :10] = "C"
    flags[1, :16] = "D"
    values[0, :10] = np.nan
    means = hourly_means(values, flags)
    assert means.valid.tolist() == [True, False]
    assert means.valid_minutes.tolist() == [50, 44]
    assert means.mean[0] == pytest.approx(np.arange(10, 60).mean())
    assert np.isnan(means.mean[1])


def test_a_valid_minute_out_of_range_is_rejected_before_averaging() -> None:
    data = minutes(2)
    data["moisture_fraction"][1, 7] = 1.5  # the hour mean would still look plausible
    with pytest.raises(CemsInputError) as caught:
        cems_hour(**STACK, **data)
    assert caught.value.params["field"] == "moisture_fraction"
    assert caught.value.params["row"] == 67  # flat index: hour 1, minute 7
