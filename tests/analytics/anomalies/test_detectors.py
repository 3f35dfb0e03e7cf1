import numpy as np
import pytest

from tanji.analytics.anomalies import (
    AnomalyKind,
    MeterKind,
    Profile,
    Series,
    counter_backwards,
    gaps,
    spikes,
    stuck_values,
)
from tanji.analytics.errors import AnalyticsError

MIN = 60_000
RATE = Profile(MeterKind.RATE)


def _series(values: np.ndarray, tag: str = "T", start: int = 0) -> Series:
    ts = start + np.arange(values.size, dtype=np.int64) * MIN
    return Series(tag, ts, values.astype(np.float64), np.ones(values.size, dtype=bool))


def _noise(n: int, seed: int = 1) -> np.ndarray:
    return 200.0 + np.random.default_rng(seed).normal(0.0, 2.0, n)


def test_flat_value_beyond_the_kind_limit_is_stuck() -> None:
    values = _noise(120)
    values[40:60] = values[40]  # 20 minutes frozen > 15 for a rate meter
    found = stuck_values(_series(values), RATE)
    assert [(a.kind, a.start_ms, a.end_ms) for a in found] == [
        (AnomalyKind.STUCK, 40 * MIN, 60 * MIN)
    ]


def test_flat_value_shorter_than_the_limit_and_zero_are_not_stuck() -> None:
    values = _noise(120)
    values[10:20] = values[10]  # 10 minutes
    values[50:110] = 0.0  # idle feeder
    assert stuck_values(_series(values), RATE) == []


def test_stuck_limit_follows_the_profile() -> None:
    values = _noise(120)
    values[40:60] = values[40]
    assert stuck_values(_series(values), Profile(MeterKind.RATE, stuck_minutes=30.0)) == []
    assert stuck_values(_series(values), Profile(MeterKind.STEADY)) == []


def test_stuck_while_stopped_is_not_judged() -> None:
    values = _noise(120)
    values[40:80] = values[40]
    assert stuck_values(_series(values), RATE, ((30 * MIN, 90 * MIN),)) == []


def test_spike_out_and_back_is_found_but_a_step_is_not() -> None:
    values = _noise(300)
    values[100] += 60.0
    values[200:] -= 60.0  # a step change (load change), not a spike
    found = spikes(_series(values), RATE)
    assert [(a.kind, a.start_ms) for a in found] == [(AnomalyKind.SPIKE, 100 * MIN)]
    assert found[0].score > 8


def test_gaps_inside_and_at_the_edges_of_the_window() -> None:
    values = _noise(100)
    keep = np.ones(100, dtype=bool)
    keep[30:40] = False  # ten minutes silent
    keep[:3] = False  # three minutes at the start: below the five-step limit
    series = _series(values)
    series = Series("T", series.ts_ms[keep], series.value[keep], series.valid[keep])
    found = gaps(series, RATE, (0, 110 * MIN))
    assert [(a.start_ms, a.end_ms, a.score) for a in found] == [
        (30 * MIN, 40 * MIN, 10.0),
        (100 * MIN, 110 * MIN, 10.0),
    ]


def test_counter_roll_over_is_not_backwards_but_a_reset_is() -> None:
    register = 1_000_000.0
    values = np.mod(999_900.0 + 3.5 * np.arange(100), register)
    values[70:] -= 500.0  # the register fell by 500 t after wrapping
    found = counter_backwards(_series(values), Profile(MeterKind.COUNTER, register_max=register))
    assert [(a.kind, a.start_ms, a.score) for a in found] == [
        (AnomalyKind.COUNTER_BACKWARDS, 69 * MIN, pytest.approx(496.5))
    ]


def test_series_refuses_mismatched_lengths_and_disorder() -> None:
    with pytest.raises(AnalyticsError) as error:
        Series("T", np.arange(3, dtype=np.int64), np.zeros(2), np.ones(3, dtype=bool))
    assert error.value.code == "analytics.series_shape"
    with pytest.raises(AnalyticsError) as error:
        Series("T", np.array([2, 1], dtype=np.int64), np.zeros(2))
    assert error.value.code == "analytics.series_order"


def test_a_long_frozen_stretch_does_not_turn_noise_into_spikes() -> None:
    values = _noise(360)
    values[120:300] = values[120]  # half the window frozen: the differences' MAD would be zero
    found = spikes(_series(values), RATE)
    assert found == []
    assert [a.kind for a in stuck_values(_series(values), RATE)] == [AnomalyKind.STUCK]
