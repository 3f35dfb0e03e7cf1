from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from tanji.accounting.errors import AccountingError
from tanji.accounting.uncertainty.distributions import (
    DistributionError,
    LogNormal,
    Normal,
    Rectangular,
    Triangular,
)
from tanji.accounting.uncertainty.montecarlo import (
    guf_validation_tolerance,
    monte_carlo,
    summarise,
    validate_guf,
)


def _sum(x: Mapping[str, Any]) -> dict[str, Any]:
    return {"y": x["a"] + x["b"], "label": "t", "constant": 3.0}


def test_sum_of_normals_mean_u_and_interval() -> None:
    result = monte_carlo(_sum, {"a": Normal(1.0, 0.3), "b": Normal(2.0, 0.4)}, seed=1)
    y = result.outputs["y"]
    assert y.mean == pytest.approx(3.0, abs=0.002)
    assert y.u == pytest.approx(0.5, rel=0.003)
    assert y.symmetric[0] == pytest.approx(3.0 - 1.959964 * 0.5, abs=0.005)
    assert y.symmetric[1] == pytest.approx(3.0 + 1.959964 * 0.5, abs=0.005)
    assert "label" not in result.outputs
    assert result.outputs["constant"].u == 0.0
    assert result.draws == 1_000_000


def test_seed_makes_runs_reproducible_and_chunking_does_not_change_them() -> None:
    inputs = {"a": Rectangular(0.0, 1.0), "b": 2.0}
    one = monte_carlo(_sum, inputs, draws=10_000, seed=7)
    again = monte_carlo(_sum, inputs, draws=10_000, seed=7)
    assert one == again
    chunked = monte_carlo(_sum, inputs, draws=10_000, seed=7, chunk=999)
    assert chunked.outputs["y"].mean == pytest.approx(one.outputs["y"].mean, abs=0.02)


def test_correlated_normals_follow_the_correlation() -> None:
    def difference(x: Mapping[str, Any]) -> dict[str, Any]:
        return {"d": x["a"] - x["b"]}

    inputs = {"a": Normal(10.0, 1.0), "b": Normal(10.0, 1.0)}
    result = monte_carlo(difference, inputs, correlations={("a", "b"): 0.8}, seed=3)
    assert result.outputs["d"].u == pytest.approx(math.sqrt(2 - 2 * 0.8), rel=0.005)


def test_shortest_interval_of_a_skewed_output_is_shorter_than_symmetric() -> None:
    def identity(x: Mapping[str, Any]) -> dict[str, Any]:
        return {"y": x["a"]}

    y = monte_carlo(identity, {"a": LogNormal(1.0, 0.8)}, draws=200_000, seed=5).outputs["y"]
    assert y.shortest[1] - y.shortest[0] < y.symmetric[1] - y.symmetric[0]
    assert y.shortest[0] < y.symmetric[0]


def test_summarise_uses_order_statistics_of_jjf_1059_2() -> None:
    y = np.arange(1.0, 101.0)  # M = 100, q = 95, r = 3 (1-based)
    result = summarise(np.random.default_rng(0).permutation(y))
    assert result.symmetric == (3.0, 98.0)
    assert result.shortest[1] - result.shortest[0] == 95.0
    with pytest.raises(AccountingError) as caught:
        summarise(np.arange(10.0))
    assert caught.value.code == "mcm.too_few_draws"


@pytest.mark.parametrize(
    "dist",
    [Normal(2.0, 0.5), Rectangular(1.0, 3.0), Triangular(0.0, 1.0, 4.0), LogNormal(2.0, 0.5)],
    ids=lambda d: type(d).__name__,
)
def test_draws_have_the_stated_mean_and_sd(dist: Any) -> None:
    x = dist.draw(np.random.Generator(np.random.PCG64(11)), 400_000)
    assert x.mean() == pytest.approx(dist.mean, abs=0.01)
    assert x.std() == pytest.approx(dist.sd, rel=0.01)


def test_guf_validation_tolerance_and_verdict() -> None:
    assert guf_validation_tolerance(1311.10) == pytest.approx(50.0)  # 13 × 10² → δ = ½ × 10²
    assert guf_validation_tolerance(0.0023) == pytest.approx(0.00005)
    ok = validate_guf(100.0, 1.0, (100 - 1.96, 100 + 1.96))
    assert ok.passed
    assert not validate_guf(100.0, 1.0, (97.5, 102.0)).passed
    with pytest.raises(AccountingError):
        guf_validation_tolerance(0.0)


def test_rejects_bad_inputs() -> None:
    with pytest.raises(DistributionError):
        Normal(0.0, -1.0)
    with pytest.raises(DistributionError):
        Triangular(0.0, 5.0, 1.0)
    with pytest.raises(AccountingError) as caught:
        monte_carlo(_sum, {"a": Rectangular(0, 1), "b": Normal(0, 1)}, {("a", "b"): 0.5})
    assert caught.value.code == "mcm.correlated_not_normal"
    with pytest.raises(AccountingError) as caught:
        monte_carlo(_sum, {"a": Normal(0, 1), "b": Normal(0, 1)}, {("a", "b"): 1.5})
    assert caught.value.code == "mcm.bad_correlation"
    with pytest.raises(AccountingError) as caught:
        monte_carlo(_sum, {"a": 1.0, "b": 1.0}, draws=1)
    assert caught.value.code == "mcm.bad_count"


def test_rejects_output_of_wrong_shape() -> None:
    def broken(x: Mapping[str, Any]) -> dict[str, Any]:
        return {"y": np.zeros(3)}

    with pytest.raises(AccountingError) as caught:
        monte_carlo(broken, {"a": Normal(0, 1)}, draws=100)
    assert caught.value.code == "mcm.output_shape"


def test_seeded_result_does_not_depend_on_threads_and_outputs_can_be_chosen() -> None:
    inputs = {"a": Normal(1.0, 0.1), "b": Triangular(0.0, 1.0, 2.0)}
    one = monte_carlo(_sum, inputs, draws=50_000, seed=9, chunk=4096, workers=1)
    two = monte_carlo(_sum, inputs, draws=50_000, seed=9, chunk=4096, workers=2)
    assert one == two
    only = monte_carlo(_sum, inputs, draws=50_000, seed=9, chunk=4096, outputs=["y"])
    assert set(only.outputs) == {"y"}
    assert only.outputs["y"] == one.outputs["y"]


def test_rejects_correlations_that_are_not_positive_definite() -> None:
    inputs = {"a": Normal(0, 1), "b": Normal(0, 1), "c": Normal(0, 1)}
    pairs = {("a", "b"): 0.9, ("b", "c"): 0.9, ("a", "c"): -0.9}
    with pytest.raises(AccountingError) as caught:
        monte_carlo(_sum, inputs, pairs, draws=100)
    assert caught.value.code == "mcm.not_positive_definite"


def test_outputs_that_are_not_numbers_are_skipped() -> None:
    def labelled(x: Mapping[str, Any]) -> dict[str, Any]:
        return {"y": x["a"], "source": ["coal"], "note": None}

    result = monte_carlo(labelled, {"a": Normal(0, 1)}, draws=100, seed=1)
    assert set(result.outputs) == {"y"}
