from __future__ import annotations

import numpy as np
import pytest

from tanji.accounting.cems import (
    SUBSTITUTED_FLAG,
    CemsInputError,
    cems_hour,
    substitute_cems_hours,
    substitute_conservative,
    substitute_hj75,
)
from tests.accounting.cems.factories import STACK, minutes


def _mask(n: int, invalid: list[range]) -> np.ndarray:
    ok = np.ones(n, dtype=bool)
    for r in invalid:
        ok[r.start : r.stop] = False
    return ok


def test_short_gap_takes_mean_of_neighbours() -> None:
    x = np.arange(50.0)
    result = substitute_hj75(x, _mask(50, [range(10, 34)]))  # 24 h: still "short"
    assert np.all(result.values[10:34] == (9.0 + 34.0) / 2)
    assert result.substituted.sum() == 24
    assert result.rule == "hj75"


def test_long_gap_takes_maximum_of_previous_720_valid_hours() -> None:
    x = np.concatenate([np.full(100, 5.0), np.arange(800.0), np.zeros(30), np.full(10, 1.0)])
    x[50] = 10_000.0  # more than 720 valid hours before the gap: outside the window
    ok = _mask(x.size, [range(900, 930)])
    result = substitute_hj75(x, ok)
    assert np.all(result.values[900:930] == 799.0)
    ok[180] = False  # the window slides over one more valid hour, reaching back to row 179
    assert np.all(substitute_hj75(x, ok).values[900:930] == 799.0)


def test_long_gap_window_includes_old_peak_when_within_720_valid_hours() -> None:
    x = np.ones(1000)
    x[300] = 50.0
    result = substitute_hj75(x, _mask(1000, [range(900, 950)]))
    assert np.all(result.values[900:950] == 50.0)


def test_edge_gaps() -> None:
    x = np.arange(10.0)
    result = substitute_hj75(x, _mask(10, [range(0, 2), range(8, 10)]))
    assert result.values[:2].tolist() == [2.0, 2.0]  # one neighbour only [I]
    assert result.values[8:].tolist() == [7.0, 7.0]
    long_first = substitute_hj75(np.arange(40.0), _mask(40, [range(0, 30)]))
    assert np.isnan(long_first.values[:30]).all()  # nothing earlier to draw on
    assert not long_first.substituted[:30].any()


def test_conservative_rule_is_mean_plus_two_sd() -> None:
    x = np.array([1.0, 2.0, 3.0, 0.0, 4.0])
    ok = _mask(5, [range(3, 4)])
    result = substitute_conservative(x, ok)
    valid = np.array([1.0, 2.0, 3.0, 4.0])
    assert result.values[3] == pytest.approx(valid.mean() + 2 * valid.std(ddof=1))
    assert result.values[[0, 1, 2, 4]].tolist() == valid.tolist()


def test_cems_hours_substitute_concentration_and_flow_then_recompute_mass() -> None:
    data = minutes(48, seed=3)
    data["flag"][5:8] = "M"  # three whole hours under maintenance
    hours = cems_hour(**STACK, **data)
    filled = substitute_cems_hours(hours)
    assert filled.substituted[5:8].all()
    assert filled.substituted.sum() == 3
    assert filled.flag[5] == SUBSTITUTED_FLAG
    assert filled.flag[4] == "N"
    conc = (hours.co2_mg_per_m3[4] + hours.co2_mg_per_m3[8]) / 2
    flow = (hours.std_dry_flow_m3[4] + hours.std_dry_flow_m3[8]) / 2
    assert filled.co2_kg[6] == pytest.approx(conc * flow * 1e-6)
    np.testing.assert_array_equal(filled.co2_kg[hours.valid], hours.co2_kg[hours.valid])
    conservative = substitute_cems_hours(hours, rule="conservative")
    assert conservative.co2_kg[6] > filled.co2_kg[6]


def test_rejects_unknown_rule() -> None:
    hours = cems_hour(**STACK, **minutes(1))
    with pytest.raises(CemsInputError) as caught:
        substitute_cems_hours(hours, rule="average")  # type: ignore[arg-type]
    assert caught.value.code == "cems.substitution_rule"


def test_rejects_nan_in_a_valid_hour() -> None:
    with pytest.raises(CemsInputError) as caught:
        substitute_hj75([1.0, np.nan, 3.0], [True, True, True])
    assert caught.value.code == "cems.valid_not_finite"
    assert caught.value.params["row"] == 1


def test_rejects_mismatched_series() -> None:
    with pytest.raises(CemsInputError) as caught:
        substitute_hj75([1.0, 2.0], [True])
    assert caught.value.code == "cems.series_shape"
