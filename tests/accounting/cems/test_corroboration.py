from __future__ import annotations

import pytest

from tanji.accounting.cems import CemsInputError, cems_deviation, corroboration_status
from tanji.accounting.fuel import fuel_combustion_co2_t
from tanji.accounting.process import (
    carbonate_process_co2_t,
    clinker_process_emission_factor_tco2_per_t,
    raw_meal_toc_co2_t,
)
from tests.accounting.worked_examples import load_example

TV08 = load_example("tv08_model_vs_cems")


def test_tv08_model_versus_cems_hour() -> None:
    i, expected, tol = TV08["inputs"], TV08["expected"], TV08["rel_tol"]
    fuel = fuel_combustion_co2_t(
        i["coal_t"],
        i["coal_ncv_gj_per_t"],
        i["coal_carbon_content_tc_per_gj"],
        i["coal_oxidation_rate"],
    )
    factor = clinker_process_emission_factor_tco2_per_t(
        i["cao_fraction"],
        i["cao_noncarbonate_fraction"],
        i["mgo_fraction"],
        i["mgo_noncarbonate_fraction"],
    )
    process = carbonate_process_co2_t(i["clinker_t"], 0.0, 0.0, factor)
    toc = raw_meal_toc_co2_t(i["raw_meal_t"], i["toc_fraction"])
    model = fuel + process + toc
    assert fuel == pytest.approx(expected["fuel_co2_t"], rel=tol)
    assert process == pytest.approx(expected["process_co2_t"], rel=tol)
    assert toc == pytest.approx(expected["toc_co2_t"], rel=tol)
    assert model == pytest.approx(expected["model_co2_t"], rel=tol)
    delta = cems_deviation(i["cems_co2_kg"] / 1000.0, model)
    assert delta * 100 == pytest.approx(expected["delta_pct"], abs=TV08["delta_abs_tol_pct"])
    assert corroboration_status(delta) == expected["status"]


@pytest.mark.parametrize(
    ("delta", "status"), [(0.0, "ok"), (-0.05, "ok"), (0.051, "warn"), (-0.11, "investigate")]
)
def test_status_thresholds(delta: float, status: str) -> None:
    assert corroboration_status(delta) == status


def test_biogenic_share_is_taken_off_the_cems_figure() -> None:
    assert cems_deviation(110.0, 100.0, biogenic_co2_t=10.0) == 0.0


@pytest.mark.parametrize("calculated", [0.0, -1.0, float("nan")])
def test_rejects_impossible_calculation(calculated: float) -> None:
    with pytest.raises(CemsInputError) as caught:
        cems_deviation(1.0, calculated)
    assert caught.value.params["field"] == "calculated_co2_t"
