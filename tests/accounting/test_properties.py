"""Property tests of the formulas: additivity, monotonicity, unit scaling, GUM scaling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tanji.accounting import electricity, fuel, process
from tanji.accounting.cases import FORMULAS
from tanji.accounting.quantities import convert
from tanji.accounting.uncertainty import propagate

positive = st.floats(1e-3, 1e6, allow_nan=False)
fraction = st.floats(0.0, 1.0)
quick = settings(max_examples=80, deadline=None)


@quick
@given(positive, positive, positive, positive, fraction)
def test_fuel_is_additive_in_consumption(
    a: float, b: float, ncv: float, cc: float, of: float
) -> None:
    whole = fuel.fuel_combustion_co2_t(a + b, ncv, cc, of)
    parts = fuel.fuel_combustion_co2_t(a, ncv, cc, of) + fuel.fuel_combustion_co2_t(b, ncv, cc, of)
    assert whole == pytest.approx(parts, rel=1e-12)


@quick
@given(positive, positive, positive, fraction, fraction)
def test_alternative_fuel_fossil_plus_biogenic_is_total(
    q: float, ncv: float, ef: float, alpha: float, of: float
) -> None:
    r = fuel.alternative_fuel_by_factor_co2(q, ncv, ef, alpha)
    assert r.fossil_co2_t + r.biogenic_co2_t == pytest.approx(q * ncv * ef, rel=1e-12)
    c = fuel.alternative_fuel_by_carbon_co2(q, 1.0, 0.5, alpha, of)
    assert c.fossil_co2_t <= c.fossil_co2_t + c.biogenic_co2_t + 1e-9


@quick
@given(positive, positive, positive, positive)
def test_fuel_is_monotone(fc: float, extra: float, ncv: float, cc: float) -> None:
    assert fuel.fuel_combustion_co2_t(fc + extra, ncv, cc, 0.98) > fuel.fuel_combustion_co2_t(
        fc, ncv, cc, 0.98
    )


@quick
@given(st.floats(0.5, 0.7), st.floats(0.0, 0.05), st.floats(0.0, 0.05), st.floats(0.0, 0.05))
def test_noncarbonate_oxides_lower_the_factor(
    cao: float, cao_nc: float, more: float, mgo: float
) -> None:
    base = process.clinker_process_emission_factor_tco2_per_t(cao, cao_nc, mgo, 0.0)
    lower = process.clinker_process_emission_factor_tco2_per_t(cao, cao_nc + more, mgo, 0.0)
    assert lower <= base


@quick
@given(positive, positive)
def test_unit_scaling_gives_the_same_emission(consumption_t: float, ncv_gj_per_t: float) -> None:
    in_kg = convert(consumption_t, "t", "kg")
    ncv_mj_per_kg = convert(ncv_gj_per_t, "GJ/t", "MJ/kg")
    back = fuel.fuel_combustion_co2_t(convert(in_kg, "kg", "t"), ncv_mj_per_kg, 0.026, 0.98)
    assert back == pytest.approx(
        fuel.fuel_combustion_co2_t(consumption_t, ncv_gj_per_t, 0.026, 0.98)
    )


@quick
@given(positive, positive, st.floats(0.1, 1.0))
def test_net_electricity_is_antisymmetric(purchased: float, exported: float, ef: float) -> None:
    forward = electricity.net_electricity_co2_t(purchased, exported, ef)
    backward = electricity.net_electricity_co2_t(exported, purchased, ef)
    assert forward == pytest.approx(-backward, abs=1e-6)


@quick
@given(st.lists(positive, min_size=1, max_size=12))
def test_arrays_equal_element_wise_scalars(values: list[float]) -> None:
    array = fuel.fuel_combustion_co2_t(np.array(values), 22.5, 0.02618, 0.98)
    scalars = [fuel.fuel_combustion_co2_t(v, 22.5, 0.02618, 0.98) for v in values]
    assert array.tolist() == pytest.approx(scalars, rel=1e-15)


@quick
@given(positive, st.floats(1e-4, 0.1), st.floats(0.1, 1e3))
def test_gum_relative_uncertainty_is_scale_free(fc: float, rel: float, scale: float) -> None:
    model = FORMULAS["fuel_combustion"].model
    inputs = {
        "consumption_t": fc,
        "ncv_gj_per_t": 22.5,
        "carbon_content_tc_per_gj": 0.02618,
        "oxidation_rate": 0.98,
    }
    one = propagate(model, inputs, {"consumption_t": rel * fc})
    scaled = propagate(
        model, {**inputs, "consumption_t": fc * scale}, {"consumption_t": rel * fc * scale}
    )
    assert one.relative()["co2_t"] == pytest.approx(rel, rel=1e-7)
    assert scaled.relative()["co2_t"] == pytest.approx(rel, rel=1e-7)
