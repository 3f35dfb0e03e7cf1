"""Hubei's prefecture-level divisions: choices and map coordinates agree."""

from __future__ import annotations


def test_every_hubei_division_has_a_city_choice_and_coordinates() -> None:
    from tanji.tenancy.choices import CityChoices
    from tanji.tenancy.geography import CITIES_BY_CODE, HUBEI_CITIES

    assert len(HUBEI_CITIES) == 17
    assert set(CityChoices.values) == set(CITIES_BY_CODE)
    for city in HUBEI_CITIES:  # inside Hubei's bounding box
        assert 108.3 < city.longitude < 116.2
        assert 29.0 < city.latitude < 33.3
