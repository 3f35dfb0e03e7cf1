from __future__ import annotations

import math

import pytest

from tanji.accounting.errors import AccountingError
from tanji.accounting.uncertainty.sources import (
    s_from_limit,
    u_from_accuracy_class,
    u_from_expanded,
    u_from_half_width,
    u_from_mpe,
    u_from_range,
    u_from_repeatability,
    u_relative,
    u_type_a,
)


def test_mpe_and_accuracy_class_are_rectangular() -> None:
    assert u_from_mpe(3.0) == pytest.approx(3.0 / math.sqrt(3))
    # belt scale class 0.5 (GB 17167) on 18 500 t: 92.5 t / √3
    assert u_from_accuracy_class(18_500.0, 0.5) == pytest.approx(92.5 / math.sqrt(3))
    assert u_from_half_width(6.0, "triangular") == pytest.approx(6.0 / math.sqrt(6))


def test_certificate_type_a_and_lab_precision() -> None:
    assert u_from_expanded(0.4, k=2) == pytest.approx(0.2)
    assert u_type_a([1.0, 2.0, 3.0, 4.0]) == pytest.approx(math.sqrt(5 / 3) / 2)
    assert u_from_repeatability(0.12, 4) == pytest.approx(0.06)
    assert u_from_repeatability(0.1, 2, s_reproducibility=0.3) == pytest.approx(
        math.sqrt(0.09 - 0.5 * 0.01)
    )
    assert s_from_limit(0.28) == pytest.approx(0.1)


def test_default_factor_range_and_relative() -> None:
    assert u_from_range(0.51, 0.53) == pytest.approx(0.02 / (2 * math.sqrt(3)))
    assert u_relative(-200.0, 0.01) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: u_from_mpe(-1.0), "uncertainty.negative"),
        (lambda: u_from_half_width(1.0, "normal"), "uncertainty.distribution"),
        (lambda: u_from_expanded(1.0, k=0.0), "uncertainty.coverage_factor"),
        (lambda: u_type_a([1.0]), "uncertainty.type_a"),
        (lambda: u_from_repeatability(0.1, 0), "uncertainty.replicates"),
        (lambda: u_from_repeatability(0.3, 2, 0.1), "uncertainty.reproducibility"),
        (lambda: u_from_range(2.0, 1.0), "uncertainty.range"),
        (lambda: u_from_accuracy_class(10.0, math.nan), "uncertainty.negative"),
    ],
)
def test_rejects_impossible_records(call: object, code: str) -> None:
    with pytest.raises(AccountingError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.code == code
