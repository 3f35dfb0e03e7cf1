"""Properties of the CEMS methods: scaling invariants, and flagged minutes never count."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tanji.accounting.cems import (
    cems_hour,
    cems_hour_mass_sum,
    cems_minute,
    cems_months,
    substitute_cems_hours,
    substitute_conservative,
    substitute_hj75,
)
from tests.accounting.cems.factories import STACK, days_of, minutes

METHODS = st.sampled_from([cems_hour, cems_hour_mass_sum])
scale = st.floats(0.1, 10.0)


@settings(max_examples=30, deadline=None)
@given(scale, st.integers(0, 1000))
def test_mass_scales_with_duct_area(s: float, seed: int) -> None:
    data = minutes(2, seed=seed, invalid_fraction=0.1)
    base = cems_minute(**STACK, **{k: v for k, v in data.items() if k != "flag"})
    scaled = cems_minute(
        **dict(STACK, duct_area_m2=STACK["duct_area_m2"] * s),
        **{k: v for k, v in data.items() if k != "flag"},
    )
    np.testing.assert_allclose(scaled.co2_kg, base.co2_kg * s, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(METHODS, scale, st.integers(0, 1000))
def test_velocity_unit_rescaling_cancels(method: Any, s: float, seed: int) -> None:
    # the coefficient absorbs a change of the point-velocity unit: Kv × Vp is all that counts
    data = minutes(3, seed=seed, invalid_fraction=0.2)
    base = method(**STACK, **data)
    data["point_velocity_m_per_s"] = data["point_velocity_m_per_s"] * s
    rescaled = method(**dict(STACK, velocity_coefficient=STACK["velocity_coefficient"] / s), **data)
    np.testing.assert_allclose(rescaled.co2_kg, base.co2_kg, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(METHODS, st.floats(0.2, 2.0), st.integers(0, 1000))
def test_mass_is_proportional_to_concentration_and_absolute_pressure(
    method: Any, s: float, seed: int
) -> None:
    data = minutes(2, seed=seed, invalid_fraction=0.1)
    base = method(**STACK, **data)
    data["co2_dry_pct_vol"] = data["co2_dry_pct_vol"] * s
    stack = dict(
        STACK,
        ambient_pressure_pa=STACK["ambient_pressure_pa"] * s,
        static_pressure_pa=STACK["static_pressure_pa"] * s,
    )
    np.testing.assert_allclose(method(**stack, **data).co2_kg, base.co2_kg * s * s, rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    METHODS,
    st.integers(0, 1000),
    st.lists(st.integers(0, 59), max_size=15, unique=True),
    st.sampled_from(["F", "M", "S", "D", "C", "T", "B", "R"]),
    st.floats(allow_nan=True, allow_infinity=True),
)
def test_flagged_minutes_never_count(
    method: Any, seed: int, flagged: list[int], letter: str, garbage: float
) -> None:
    data = minutes(1, seed=seed)
    data["flag"][0, flagged] = letter
    base = method(**STACK, **data)
    for name in ("point_velocity_m_per_s", "flue_temp_c", "moisture_fraction", "co2_dry_pct_vol"):
        data[name][0, flagged] = garbage
    again = method(**STACK, **data)
    np.testing.assert_array_equal(again.co2_kg, base.co2_kg)
    assert int(again.valid_minutes[0]) == 60 - len(flagged)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 1e6), min_size=48, max_size=48),
    st.lists(st.booleans(), min_size=48, max_size=48),
)
def test_substitution_never_touches_valid_hours_and_flags_what_it_fills(
    values: list[float], valid: list[bool]
) -> None:
    x, ok = np.array(values), np.array(valid)
    for rule in (substitute_hj75, substitute_conservative):
        result = rule(x, ok)
        np.testing.assert_array_equal(result.values[ok], x[ok])
        assert not (result.substituted & ok).any()
        assert np.isfinite(result.values[result.substituted]).all()
    short = substitute_hj75(x, ok)  # gaps ≤ 24 h lie between their neighbours
    if ok.any():
        lo, hi = x[ok].min(), x[ok].max()
        filled = short.values[short.substituted]
        assert ((filled >= lo) & (filled <= hi)).all()


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 1000), st.floats(0.0, 0.3))
def test_hours_days_and_months_conserve_mass(seed: int, invalid_fraction: float) -> None:
    data = minutes(24 * 59, seed=seed, invalid_fraction=invalid_fraction)
    hours = cems_hour(**STACK, **data)
    filled = substitute_cems_hours(hours)
    days = days_of(filled)
    months = cems_months(days, [31, 28])
    counted = filled.measured | filled.substituted
    total = filled.co2_kg[counted].sum()
    assert months.co2_kg.sum() == pytest.approx(total, rel=1e-12)
    assert days.co2_kg.sum() == pytest.approx(total, rel=1e-12)
    assert (
        int(
            months.measured_hours.sum()
            + months.substituted_hours.sum()
            + months.missing_hours.sum()
        )
        == 24 * 59
    )
