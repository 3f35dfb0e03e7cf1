"""Formulas of fuel, process and electricity: scalars and arrays through the same code."""

from __future__ import annotations

import numpy as np
import pytest

from tanji.accounting import electricity, fuel, process


def test_fuel_formulas_broadcast_over_arrays() -> None:
    fc = np.array([18500.0, 9250.0])
    co2 = fuel.fuel_combustion_co2_t(fc, 22.5, 0.02618, 0.98)
    assert co2 == pytest.approx([39158.0805, 39158.0805 / 2])
    assert fuel.fuel_combustion_co2_t(18500.0, 22.5, 0.02618, 0.98) == pytest.approx(39158.0805)
    mass = fuel.fuel_mass_from_volume_t(np.array([14300.0]), 0.84)
    assert mass == pytest.approx([12.012])
    by_volume = fuel.fuel_combustion_by_volume_co2_t(14300.0, 0.84, 42.652, 0.0202, 0.98)
    assert by_volume == pytest.approx(37.188066563648)


def test_alternative_fuels_split_fossil_and_biogenic() -> None:
    cloth = fuel.alternative_fuel_by_factor_co2(800.0, 16.5, 0.42 / 16.5 * 44 / 12, 0.6)
    assert (cloth.fossil_co2_t, cloth.biogenic_co2_t) == pytest.approx((739.2, 492.8))
    msw = fuel.alternative_fuel_by_carbon_co2(3000.0, 0.55, 0.38, 0.40, 1.0)
    assert (msw.fossil_co2_t, msw.biogenic_co2_t) == pytest.approx((919.6, 1379.4))
    biomass = fuel.alternative_fuel_by_carbon_co2(100.0, 0.85, 0.5, 0.0, 1.0)
    assert biomass.fossil_co2_t == 0.0


def test_process_formulas() -> None:
    ef = process.clinker_process_emission_factor_tco2_per_t(0.655, 0.012, 0.022, 0.003)
    assert ef == pytest.approx(0.5261142857142858)
    assert process.clinker_equivalent_t(150000.0, 60.0, 1200.0) == 151260.0
    assert process.carbonate_process_co2_t(150000.0, 60.0, 1200.0, ef) == pytest.approx(
        79580.0468571
    )
    assert process.raw_meal_from_clinker_t(150000.0, 1.55) == pytest.approx(232500.0)
    assert process.raw_meal_toc_co2_t(232500.0, 0.001) == pytest.approx(852.5)
    slag = process.Deduction("钢渣", 3000.0, 0.215)
    assert process.default_factor_process_co2_t(150000.0, 0.535, [slag]) == pytest.approx(79605.0)
    assert process.default_factor_process_co2_t(150000.0, 0.535) == pytest.approx(80250.0)
    arr = process.default_factor_process_co2_t(np.array([1.0, 2.0]), 0.5, [slag])
    assert arr == pytest.approx([0.5 - 645.0, 1.0 - 645.0])


def test_electricity_and_heat() -> None:
    assert electricity.clinker_line_electricity_mwh(150000.0, 55.0) == pytest.approx(8250.0)
    assert electricity.electricity_co2_t(8250.0, 0.5306) == pytest.approx(4377.45)
    assert electricity.net_purchased_mwh(100.0, 300.0) == -200.0
    assert electricity.net_electricity_co2_t(100.0, 300.0, 0.5) == pytest.approx(-100.0)
    assert electricity.net_heat_co2_t(5000.0, 1000.0, 0.11) == pytest.approx(440.0)
