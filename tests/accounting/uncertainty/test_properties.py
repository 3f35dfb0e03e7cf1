"""Properties: Monte Carlo agrees with first-order GUM where GUM is exact or nearly so."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from hypothesis import given, settings, strategies as st

from tanji.accounting.uncertainty.distributions import Normal
from tanji.accounting.uncertainty.gum import propagate
from tanji.accounting.uncertainty.montecarlo import monte_carlo

DRAWS = 40_000  # sd of a Monte Carlo sd ≈ 1/√(2M) = 0.35 %
coefficients = st.lists(st.floats(-5, 5).filter(lambda c: abs(c) > 0.1), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None)
@given(coefficients, st.data())
def test_gum_equals_monte_carlo_for_linear_models(c: list[float], data: st.DataObject) -> None:
    u = data.draw(st.lists(st.floats(0.01, 10), min_size=len(c), max_size=len(c)))
    names = [f"x{i}" for i in range(len(c))]

    def linear(x: Mapping[str, Any]) -> dict[str, Any]:
        return {"y": sum(ci * x[n] for ci, n in zip(c, names, strict=True))}

    x0 = dict.fromkeys(names, 1.0)
    gum = propagate(linear, x0, dict(zip(names, u, strict=True)))
    dists = {n: Normal(1.0, ui) for n, ui in zip(names, u, strict=True)}
    mc = monte_carlo(linear, dists, draws=DRAWS, seed=1).outputs["y"]
    assert abs(mc.u / gum.u["y"] - 1) < 0.02
    assert abs(mc.mean - gum.values["y"]) < 4 * gum.u["y"] / np.sqrt(DRAWS)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0.5, 2000), min_size=2, max_size=5),
    st.floats(1e-4, 2e-3),
)
def test_monte_carlo_u_tends_to_gum_u_for_small_relative_uncertainty(
    values: list[float], relative: float
) -> None:
    names = [f"x{i}" for i in range(len(values))]

    def ratio(x: Mapping[str, Any]) -> dict[str, Any]:
        product = np.prod([x[n] for n in names[1:]], axis=0)
        return {"y": product / x[names[0]] * 44.0 / 12.0}

    x0 = dict(zip(names, values, strict=True))
    u = {n: v * relative for n, v in x0.items()}
    gum = propagate(ratio, x0, u)
    dists = {n: Normal(v, v * relative) for n, v in x0.items()}
    mc = monte_carlo(ratio, dists, draws=DRAWS, seed=2).outputs["y"]
    assert abs(mc.u / gum.u["y"] - 1) < 0.02
