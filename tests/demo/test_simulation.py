"""The simulator → demo mapping: every simulated tag and analyte has a place or a reason."""

from __future__ import annotations

from datetime import UTC, datetime

from tanji.demo.lines import HEAT_TAGS, LINE_TAGS, SITE_TAGS, TYRE_TAGS
from tanji.demo.simulation import (
    LAB_PARAMETERS,
    LAB_SOURCES,
    LAB_UNMAPPED,
    ROUTES,
    UNMAPPED,
    TagRoute,
    demo_code,
)
from tanji.plant.choices import (
    PARAMETER_UNITS,
    LabParameterChoices,
    MaterialChoices,
    SourceKindChoices as K,
)
from tanji.simulator import TAGS, Plant, load_scenario

LINE_SUFFIXES = {t.suffix: t for t in LINE_TAGS + TYRE_TAGS}
SITE_SUFFIXES = {t.suffix: t for t in SITE_TAGS + HEAT_TAGS}


def test_every_simulated_tag_is_routed_or_explained() -> None:
    codes = {tag.code for tag in TAGS}
    assert set(ROUTES) | set(UNMAPPED) == codes
    assert not set(ROUTES) & set(UNMAPPED)
    assert all(reason.strip() for reason in UNMAPPED.values())


def test_every_route_lands_on_a_demo_tag_of_the_same_aggregation() -> None:
    simulated = {tag.code: tag for tag in TAGS}
    for code, route in ROUTES.items():
        template = (LINE_SUFFIXES if route.scope == "line" else SITE_SUFFIXES)[route.suffix]
        assert template.aggregation == simulated[code].kind.value, code
    targets = [(r.scope, r.suffix) for r in ROUTES.values()]
    assert len(targets) == len(set(targets)), "two simulated tags feed one demo tag"


def test_units_convert() -> None:
    assert ROUTES["L1.CEMS.PRES"].factor == 1000.0  # kPa → Pa
    assert LINE_SUFFIXES["CEMS-PRESS"].unit == "Pa"
    unchanged = [c for c, r in ROUTES.items() if r.factor == 1.0]
    assert len(unchanged) == len(ROUTES) - 1


def test_demo_codes() -> None:
    assert demo_code(TagRoute("CEMS-CO2"), "L2") == "L2-CEMS-CO2"
    assert demo_code(TagRoute("EL-PURCHASED", scope="site"), "L2") == "S1-EL-PURCHASED"


def test_lab_analytes_map_to_platform_parameters() -> None:
    plant = Plant(load_scenario("normal-month"))
    results = plant.lab_results(datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 5, tzinfo=UTC))
    analytes = {r.analyte for r in results}
    assert analytes == set(LAB_PARAMETERS) | set(LAB_UNMAPPED)
    for result in results:
        if result.analyte in LAB_PARAMETERS:
            parameter = LAB_PARAMETERS[result.analyte]
            assert parameter in LabParameterChoices.values
            assert result.unit in PARAMETER_UNITS[parameter]
    assert {r.material for r in results} == set(LAB_SOURCES)
    assert set(LAB_SOURCES) <= set(MaterialChoices.values)
    assert set(LAB_SOURCES.values()) <= set(K.values)
