from pathlib import Path
from typing import Any

import pytest
import yaml

from tanji.analytics.errors import AnalyticsError
from tanji.analytics.levers import Baseline, Settings, levers

EXAMPLE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data/levers.yaml").read_text(encoding="utf-8")
)


def _baseline(**changes: Any) -> Baseline:
    return Baseline(**(EXAMPLE["baseline"] | changes))


def test_levers_match_the_worked_example_and_are_ranked() -> None:
    found = levers(_baseline())
    assert [lever.key for lever in found] == list(EXAMPLE["levers"])  # largest first
    for lever in found:
        assert lever.saving_t_per_year == pytest.approx(
            EXAMPLE["levers"][lever.key]["saving_t"], abs=0.1
        )


def test_savings_scale_to_a_year() -> None:
    quarter = _baseline(
        period_days=91.25,
        clinker_t=387_500,
        fossil_fuel_co2_t=120_125,
        alternative_heat_gj=60_062.5,
        electricity_mwh=21_312.5,
    )
    for year, part in zip(levers(_baseline()), levers(quarter), strict=True):
        assert part.saving_t_per_year == pytest.approx(year.saving_t_per_year, rel=1e-9)


def test_uncertainty_comes_from_the_baseline_data() -> None:
    exact = {lever.key: lever for lever in levers(_baseline())}
    assert all(lever.u_t_per_year == 0.0 for lever in exact.values())
    noisy = {lever.key: lever for lever in levers(_baseline(u_rel={"clinker_t": 0.01}))}
    # Only clinker is uncertain: the carbide-slag lever is proportional to it (1 % of 12 178.6).
    assert noisy["non_carbonate_cao"].u_t_per_year == pytest.approx(121.786, abs=0.01)
    assert noisy["green_electricity"].u_t_per_year == 0.0


def test_a_line_already_at_the_benchmark_saves_nothing_by_heat() -> None:
    lean = _baseline(fossil_fuel_co2_t=380_000.0)  # ≈ 2.73 GJ/t with refuse heat
    heat = next(lever for lever in levers(lean) if lever.key == "heat")
    assert heat.saving_t_per_year == 0.0


def test_switched_off_levers_are_left_out() -> None:
    found = levers(_baseline(), Settings(heat_kgce_per_t=None, green_electricity_share=None))
    assert {lever.key for lever in found} == {"biomass", "non_carbonate_cao"}


@pytest.mark.parametrize(
    ("baseline", "settings", "code"),
    [
        ({"clinker_t": 0.0}, {}, "analytics.no_production"),
        ({}, {"biomass_heat_share": 1.5}, "analytics.bad_lever"),
    ],
)
def test_bad_input_is_refused(
    baseline: dict[str, float], settings: dict[str, float], code: str
) -> None:
    with pytest.raises(AnalyticsError) as error:
        levers(_baseline(**baseline), Settings(**settings))
    assert error.value.code == code
