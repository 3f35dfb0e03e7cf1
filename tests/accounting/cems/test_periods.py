from __future__ import annotations

import numpy as np
import pytest

from tanji.accounting.cems import (
    CemsInputError,
    cems_days,
    cems_hour,
    cems_months,
    month_day_counts,
    substitute_cems_hours,
)
from tests.accounting.cems.factories import STACK, days_of, minutes


def test_day_sums_hours_and_needs_20_valid_hours() -> None:
    data = minutes(48, seed=1)
    data["flag"][0:5] = "D"  # day 1: 19 valid hours
    data["flag"][24:28] = "D"  # day 2: 20 valid hours
    hours = cems_hour(**STACK, **data)
    days = cems_days(hours.co2_kg, hours.std_dry_flow_m3, hours.co2_mg_per_m3, hours.valid)
    assert days.valid.tolist() == [False, True]
    assert days.measured_hours.tolist() == [19, 20]
    assert days.missing_hours.tolist() == [5, 4]
    assert np.isnan(days.co2_mg_per_m3[0])
    assert days.co2_kg[1] == pytest.approx(np.nansum(hours.co2_kg[24:]))
    assert days.co2_mg_per_m3[1] == pytest.approx(np.nanmean(hours.co2_mg_per_m3[24:]))


def test_substituted_hours_enter_the_sum_and_are_counted_apart() -> None:
    data = minutes(24, seed=2)
    data["flag"][10:12] = "C"
    hours = cems_hour(**STACK, **data)
    filled = substitute_cems_hours(hours)
    days = days_of(filled)
    assert days.substituted_hours.tolist() == [2]
    assert days.missing_hours.tolist() == [0]
    assert days.co2_kg[0] == pytest.approx(filled.co2_kg.sum())
    assert days.valid[0]  # 22 measured ≥ 20


def test_months_sum_days_by_calendar() -> None:
    assert month_day_counts(2024)[1] == 29
    assert sum(month_day_counts(2023)) == 365
    n_days = 59  # January and February 2023
    mass = np.ones(n_days * 24)
    hours_valid = np.ones(n_days * 24, dtype=bool)
    hours_valid[:5] = False
    days = cems_days(mass, mass * 1e6, mass, hours_valid)
    months = cems_months(days, [31, 28])
    assert months.co2_kg.tolist() == [31 * 24 - 5, 28 * 24]
    assert months.measured_hours.tolist() == [31 * 24 - 5, 28 * 24]
    assert months.missing_hours.tolist() == [5, 0]
    assert months.valid.tolist() == [False, True]  # day 1 had 19 valid hours
    assert months.co2_mg_per_m3[1] == pytest.approx(1.0)


def test_rejects_partial_days_and_wrong_month_lengths() -> None:
    with pytest.raises(CemsInputError) as caught:
        cems_days(np.ones(25), np.ones(25), np.ones(25), np.ones(25, dtype=bool))
    assert caught.value.code == "cems.hours_shape"
    with pytest.raises(CemsInputError):
        cems_days(np.ones(24), np.ones(24), np.ones(24), np.ones(23, dtype=bool))
    days = cems_days(np.ones(48), np.ones(48), np.ones(48), np.ones(48, dtype=bool))
    with pytest.raises(CemsInputError) as caught:
        cems_months(days, [1])
    assert caught.value.code == "cems.month_lengths"
