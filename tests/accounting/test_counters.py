"""Totaliser readings → interval quantities: roll-over, reset, late values, gaps; invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tanji.accounting.counters import IntervalFlag, counter_intervals
from tanji.accounting.errors import AccountingError


def test_plain_differences() -> None:
    r = counter_intervals([0, 60, 120], [100.0, 110.0, 125.0])
    assert r.quantity.tolist() == [10.0, 15.0]
    assert r.flags.tolist() == [0, 0]
    assert r.total == 25.0
    assert r.start_s.tolist() == [0.0, 60.0]
    assert r.end_s.tolist() == [60.0, 120.0]


def test_rollover_with_known_maximum() -> None:
    r = counter_intervals([0, 60, 120], [999_990.0, 5.0, 20.0], register_max=1_000_000.0)
    assert r.quantity.tolist() == [15.0, 15.0]
    assert r.flagged(IntervalFlag.ROLLOVER).tolist() == [True, False]


def test_reset_is_counted_from_zero_and_flagged() -> None:
    r = counter_intervals([0, 60, 120], [400.0, 5.0, 9.0], register_max=1000.0)
    assert r.quantity.tolist() == [5.0, 4.0]
    assert r.flagged(IntervalFlag.RESET).tolist() == [True, False]
    unknown_max = counter_intervals([0, 60], [999.0, 3.0])
    assert unknown_max.quantity.tolist() == [3.0]
    assert unknown_max.flagged(IntervalFlag.RESET).all()


def test_late_and_out_of_order_values_are_reordered_and_flagged() -> None:
    r = counter_intervals([0, 120, 60, 180], [0.0, 20.0, 10.0, 30.0])
    assert r.quantity.tolist() == [10.0, 10.0, 10.0]
    assert r.flagged(IntervalFlag.LATE).tolist() == [True, True, False]


def test_duplicate_time_keeps_last_received() -> None:
    r = counter_intervals([0, 60, 60], [0.0, 10.0, 11.0])
    assert r.quantity.tolist() == [11.0]


def test_gap_is_flagged_not_filled() -> None:
    r = counter_intervals([0, 60, 3660], [0.0, 1.0, 61.0], max_interval_s=120.0)
    assert r.quantity.tolist() == [1.0, 60.0]
    assert r.flagged(IntervalFlag.GAP).tolist() == [False, True]
    assert len(r.quantity) == 2  # nothing invented inside the gap


def test_empty_and_single() -> None:
    assert counter_intervals([], []).quantity.size == 0
    assert counter_intervals([5], [1.0]).total == 0.0


@pytest.mark.parametrize(
    ("times", "values", "kwargs", "code"),
    [
        ([0, 1], [1.0], {}, "counter.length_mismatch"),
        ([0, 1], [1.0, -1.0], {}, "counter.bad_reading"),
        ([0, 1], [1.0, float("nan")], {}, "counter.bad_reading"),
        ([0, 1], [1.0, 1000.0], {"register_max": 1000.0}, "counter.bad_reading"),
    ],
)
def test_rejects_bad_readings(
    times: list[float], values: list[float], kwargs: dict[str, float], code: str
) -> None:
    with pytest.raises(AccountingError) as info:
        counter_intervals(times, values, **kwargs)
    assert info.value.code == code


increments = st.lists(st.floats(0.0, 1000.0), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(increments, st.randoms(use_true_random=False))
def test_total_is_last_minus_first_whatever_the_arrival_order(
    steps: list[float], rng: object
) -> None:
    values = np.concatenate([[0.0], np.cumsum(steps)])
    times = np.arange(values.size) * 60.0
    order = list(range(values.size))
    rng.shuffle(order)  # type: ignore[attr-defined]
    r = counter_intervals(times[order], values[order])
    assert (r.quantity >= 0).all()
    assert r.total == pytest.approx(values[-1] - values[0], abs=1e-6)
    assert r.flagged(IntervalFlag.RESET).sum() == 0


@settings(max_examples=60, deadline=None)
@given(increments, st.floats(0.0, 999.0))
def test_rollover_adds_the_register_back(steps: list[float], start: float) -> None:
    register = 1000.0
    small = [s % 400.0 for s in steps]
    absolute = start + np.concatenate([[0.0], np.cumsum(small)])
    r = counter_intervals(np.arange(absolute.size), absolute % register, register_max=register)
    assert (r.quantity >= 0).all()
    assert r.total == pytest.approx(absolute[-1] - absolute[0], abs=1e-6)
