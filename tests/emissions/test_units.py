"""Pure parts of the engine: CEMS hours from rollups, the model fit, totals, resolution, charts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tanji.emissions.charts import category_split, emission_series, method_comparison
from tanji.emissions.inputs import TagHours
from tanji.emissions.model import MIN_HOURS, fit
from tanji.emissions.series import Comparison, Series, pick_resolution
from tanji.emissions.stack import stack_hours
from tanji.emissions.totals import aggregate

HOUR = 3_600_000


def _hours(means: list[float], counts: list[int]) -> TagHours:
    count = np.array(counts, np.int64)
    return TagHours(
        count,
        count,
        np.array(means) * count,
        np.full(len(means), np.nan),
        np.array(means),
        np.array(means),
    )


def test_a_cems_hour_is_app_d_and_a_short_gap_takes_the_neighbours_mean() -> None:
    # 22 %vol dry at 400 000 Nm³/h: 22 × 10⁴ ppm × 44.01/22.4 mg/m³ × 400 000 m³ × 10⁻⁹ t
    co2 = _hours([22.0, 21.0, 20.0], [60, 40, 58])
    flow = _hours([400_000.0, 400_000.0, 390_000.0], [60, 60, 58])
    result = stack_hours(co2, flow)
    first = 22e4 * 44.01 / 22.4 * 400_000 * 1e-9
    third = 20e4 * 44.01 / 22.4 * 390_000 * 1e-9
    assert result.co2_t[0] == pytest.approx(first)
    assert result.co2_t[2] == pytest.approx(third)
    assert result.measured.tolist() == [True, False, True]
    assert result.substituted.tolist() == [False, True, False]
    conc = (22e4 + 20e4) / 2 * 44.01 / 22.4
    assert result.co2_t[1] == pytest.approx(conc * 395_000 * 1e-9)  # C and Q substituted apart


def test_the_model_recovers_a_known_linear_relation() -> None:
    rng = np.random.default_rng(3)
    x = np.column_stack(
        (rng.uniform(50, 60, 200), rng.uniform(1100, 1400, 200), rng.uniform(300, 340, 200))
    )
    y = 4.0 + 0.5 * x[:, 0] + 0.06 * x[:, 1] + 0.3 * x[:, 2] + rng.normal(0, 0.5, 200)
    fitted = fit(x, y)
    assert fitted is not None
    assert fitted.hours == 200
    assert fitted.coefficients[1:] == pytest.approx((0.5, 0.06, 0.3), rel=0.1)
    assert fitted.residual_sd_t == pytest.approx(0.5, rel=0.15)
    assert fit(x[: MIN_HOURS - 1], y[: MIN_HOURS - 1]) is None


def test_totals_add_u_linearly_within_a_source_and_in_quadrature_across() -> None:
    rows = [
        ("s1", "fuel", True, True, 10.0, 1.0, "complete", 0),
        ("s1", "fuel", True, True, 10.0, 1.0, "estimated", HOUR),
        ("s2", "fuel", True, True, 5.0, 2.0, "complete", 0),
        ("s3", "electricity", True, False, 3.0, 0.3, "complete", 0),
    ]
    sums = aggregate(rows)
    assert sums[("clinker", "fuel")] == pytest.approx((25.0, math.sqrt(8.0), "estimated", 2))
    assert ("enterprise", "electricity") not in sums
    assert sums[("clinker", "electricity")][0] == 3.0


def test_the_resolution_follows_the_range() -> None:
    day = 24 * HOUR
    assert pick_resolution(0, 6 * HOUR) == "minute"
    assert pick_resolution(0, 7 * HOUR) == "hour"
    assert pick_resolution(0, 14 * day) == "hour"
    assert pick_resolution(0, 15 * day) == "day"
    assert pick_resolution(0, 3650 * day) == "month"


def test_chart_options_carry_the_data_and_the_uncertainty_band() -> None:
    option = emission_series(Series("hour", [0, HOUR], [10.0, 12.0], [1.0, 2.0]), "CO2")
    lower, band, line = option["series"]
    assert lower["data"] == [[0, 9.0], [HOUR, 10.0]]
    assert band["data"] == [[0, 2.0], [HOUR, 4.0]]
    assert line["data"] == [[0, 10.0], [HOUR, 12.0]]
    assert option["meta"] == {"resolution": "hour"}
    methods = {
        "cems": [1.0, None],
        "cems_substituted": [None, 2.0],
        "accounting": [1.1, 2.1],
        "model": [None, None],
    }
    compared = method_comparison(Comparison([0, HOUR], methods, []), "stack")
    assert [s["name"] for s in compared["series"]] == list(methods)
    assert compared["series"][1]["data"] == [[0, None], [HOUR, 2.0]]
    pie = category_split({"fuel": 1.23456, "process": 2.0}, "split")
    assert pie["series"][0]["data"] == [
        {"name": "fuel", "value": 1.235},
        {"name": "process", "value": 2.0},
    ]
