"""Unit conversion and unit-from-name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, strategies as st

from tanji.accounting.errors import UnitError
from tanji.accounting.quantities import conversion_factor, convert, dimension_of, unit_of_input


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (18.5, "kt", "t", 18500.0),
        (1500.0, "kg", "t", 1.5),
        (1.0, "MWh", "kWh", 1000.0),
        (1.0, "MWh", "GJ", 3.6),
        (22500.0, "MJ", "GJ", 22.5),
        (8.3, "m3", "L", 8300.0),
        (65.5, "%", "fraction", 0.655),
        (22.5, "MJ/kg", "GJ/t", 22.5),
        (0.5306, "kgCO2/kWh", "tCO2/MWh", 0.5306),
        (1.0, "万t", "吨", 10000.0),
    ],
)
def test_convert(value: float, src: str, dst: str, expected: float) -> None:
    assert convert(value, src, dst) == pytest.approx(expected)


FIELD_UNITS = yaml.safe_load(
    (Path(__file__).parent / "data" / "field-units.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(("value", "src", "dst", "expected"), FIELD_UNITS)
def test_units_terminals_and_cems_send(value: float, src: str, dst: str, expected: float) -> None:
    assert convert(value, src, dst) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("src", "dst", "code"),
    [
        ("t/h", "m3/h", "unit.incompatible"),  # mass to volume flow needs a density
        ("kg/h", "t", "unit.incompatible"),  # a rate is not an amount
        ("m3/h", "Nm3/h", "unit.incompatible"),  # actual to normal needs T and p
        ("mg/m3", "%", "unit.incompatible"),
        ("kWh", "kW", "unit.incompatible"),
        ("K", "°C", "unit.unknown"),  # an offset scale: refused rather than wrongly scaled
        ("mg/Nm3", "mg/m3", "unit.unknown"),
    ],
)
def test_field_units_that_do_not_convert_are_refused(src: str, dst: str, code: str) -> None:
    with pytest.raises(UnitError) as info:
        convert(1.0, src, dst)
    assert info.value.code == code


def test_convert_arrays() -> None:
    assert convert(np.array([1.0, 2.0]), "t", "kg") == pytest.approx([1000.0, 2000.0])


def test_incompatible_and_unknown_units() -> None:
    with pytest.raises(UnitError) as info:
        convert(1.0, "L", "t")
    assert info.value.code == "unit.incompatible"
    assert info.value.params["from_dim"] == "volume"
    with pytest.raises(UnitError) as info:
        dimension_of("furlong")
    assert info.value.code == "unit.unknown"
    with pytest.raises(UnitError) as info:
        unit_of_input("velocity")
    assert info.value.code == "unit.unnamed"


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("consumption_t", "t"),
        ("ncv_gj_per_t", "GJ/t"),
        ("carbon_content_tc_per_gj", "tC/GJ"),
        ("carbon_fraction_dry", "fraction"),
        ("oxidation_rate", "fraction"),
        ("grid_factor_tco2_per_mwh", "tCO2/MWh"),
        ("volume_l", "L"),
        ("raw_meal_to_clinker_ratio", "t/t"),
        ("purchased_gj", "GJ"),
    ],
)
def test_unit_of_input(name: str, unit: str) -> None:
    assert unit_of_input(name) == unit


@given(st.floats(1e-6, 1e9), st.sampled_from(["t", "kg", "kt", "g"]), st.sampled_from(["t", "kg"]))
def test_round_trip(value: float, a: str, b: str) -> None:
    assert convert(convert(value, a, b), b, a) == pytest.approx(value, rel=1e-12)
    assert conversion_factor(a, b) * conversion_factor(b, a) == pytest.approx(1.0)
