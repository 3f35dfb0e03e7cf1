"""First-order GUM propagation (JJF 1059.1) against closed-form budgets."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from tanji.accounting.errors import AccountingError
from tanji.accounting.uncertainty import GumResult, propagate


def product(x: Mapping[str, Any]) -> dict[str, Any]:
    return {"y": x["a"] * x["b"] * x["c"], "label": "t", "flag": True, "none": None, "map": {}}


def total(x: Mapping[str, Any]) -> dict[str, Any]:
    return {"s": x["a"] + x["b"], "d": x["a"] - x["b"], "k": 3.0}


def test_product_adds_relative_uncertainties_in_quadrature() -> None:
    inputs = {"a": 18500.0, "b": 22.5, "c": 0.02618}
    u = {"a": 111.0, "b": 0.225, "c": 0.0005236}
    result = propagate(product, inputs, u)
    y = 18500.0 * 22.5 * 0.02618
    rel = math.sqrt(0.006**2 + 0.01**2 + 0.02**2)
    assert result.values["y"] == pytest.approx(y, rel=1e-12)
    assert result.u["y"] == pytest.approx(rel * y, rel=1e-9)
    assert result.sensitivities["y"]["a"] == pytest.approx(22.5 * 0.02618, rel=1e-9)
    assert result.contributions["y"]["b"] == pytest.approx(0.01 * y, rel=1e-9)
    assert set(result.values) == {"y"}  # non-quantities are skipped
    assert result.expanded()["y"] == pytest.approx(2 * rel * y, rel=1e-9)
    assert result.expanded(k=3.0)["y"] == pytest.approx(3 * rel * y, rel=1e-9)
    assert result.relative()["y"] == pytest.approx(rel, rel=1e-9)


def test_correlation_terms_follow_the_covariance_formula() -> None:
    inputs = {"a": 10.0, "b": 4.0}
    u = {"a": 0.3, "b": 0.4}
    result = propagate(total, inputs, u, {("a", "b"): 0.5})
    assert result.u["s"] == pytest.approx(math.sqrt(0.09 + 0.16 + 2 * 0.5 * 0.12), rel=1e-9)
    assert result.u["d"] == pytest.approx(math.sqrt(0.09 + 0.16 - 2 * 0.5 * 0.12), rel=1e-9)
    assert result.u["k"] == 0.0
    full = propagate(total, inputs, u, {("b", "a"): -1.0})
    assert full.u["d"] == pytest.approx(0.7, rel=1e-9)


def test_inputs_without_uncertainty_are_constants() -> None:
    result = propagate(product, {"a": 2.0, "b": 3.0, "c": 4.0}, {"a": 0.1, "b": 0.0})
    assert result.sensitivities["y"] == {"a": pytest.approx(12.0)}
    assert result.u["y"] == pytest.approx(1.2)
    none = propagate(product, {"a": 2.0, "b": 3.0, "c": 4.0}, {})
    assert none.u == {"y": 0.0}
    assert none.relative()["y"] == 0.0


def test_zero_estimate_has_undefined_relative_uncertainty() -> None:
    result = propagate(total, {"a": 1.0, "b": 1.0}, {"a": 0.1})
    assert math.isnan(result.relative()["d"])


def test_step_uses_uncertainty_when_estimate_is_zero() -> None:
    result = propagate(lambda x: {"y": 5.0 * x["a"]}, {"a": 0.0}, {"a": 0.2})
    assert result.u["y"] == pytest.approx(1.0)


def test_result_is_frozen() -> None:
    result = propagate(total, {"a": 1.0, "b": 2.0}, {"a": 0.1})
    assert isinstance(result, GumResult)
    with pytest.raises(AttributeError):
        result.values = {}  # type: ignore[misc]


def test_model_sees_arrays_once() -> None:
    calls: list[int] = []

    def model(x: Mapping[str, Any]) -> dict[str, Any]:
        calls.append(np.shape(x["a"])[0])
        return {"y": x["a"] * x["b"]}

    propagate(model, {"a": 1.0, "b": 2.0}, {"a": 0.1, "b": 0.1})
    assert calls == [5]


@pytest.mark.parametrize(
    ("u", "corr", "code"),
    [
        ({"z": 0.1}, None, "gum.unknown_input"),
        ({"a": -0.1}, None, "gum.bad_uncertainty"),
        ({"a": math.inf}, None, "gum.bad_uncertainty"),
        ({"a": "x"}, None, "gum.bad_uncertainty"),
        ({"a": 0.1}, {("a", "b"): 0.5}, "gum.bad_correlation_pair"),
        ({"a": 0.1}, {("a", "a"): 0.5}, "gum.bad_correlation_pair"),
        ({"a": 0.1, "b": 0.1}, {("a", "b"): 1.5}, "gum.bad_correlation"),
    ],
)
def test_rejects_bad_uncertainty_inputs(
    u: dict[str, Any], corr: dict[tuple[str, str], float] | None, code: str
) -> None:
    with pytest.raises(AccountingError) as info:
        propagate(total, {"a": 1.0, "b": 2.0}, u, corr)
    assert info.value.code == code


def test_rejects_outputs_not_shaped_like_inputs() -> None:
    with pytest.raises(AccountingError) as info:
        propagate(lambda x: {"y": np.zeros(7)}, {"a": 1.0}, {"a": 0.1})
    assert info.value.params == {"output": "y", "shape": (7,), "size": 3}
