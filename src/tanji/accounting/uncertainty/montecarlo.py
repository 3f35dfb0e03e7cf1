"""Monte Carlo propagation of distributions, JJF 1059.2-2012 (GUM Supplement 1).

The model callables are the SAME as for first-order GUM (:data:`~.gum.Model`): named inputs →
named outputs, evaluated here on arrays of M draws at once. Draws come from a seedable PCG64
generator in chunks, so M = 10⁶ over a whole boundary holds a few tens of MB. Correlated inputs
are normal and drawn through the Cholesky factor of their correlation matrix (JJF 1059.2 6.4.8).
Results per output: the mean, the standard deviation as standard uncertainty, and the 95 %
probabilistically symmetric and shortest coverage intervals (cl. 7.7 / GUM S1 7.7).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from tanji.accounting.errors import AccountingError
from tanji.accounting.uncertainty.distributions import (
    Distribution,
    FloatArray,
    LogNormal,
    Normal,
    Rectangular,
    Triangular,
)
from tanji.accounting.uncertainty.gum import Model

#: JJF 1059.2 recommends M = 10⁶ trials when no adaptive procedure is used.
DEFAULT_DRAWS = 1_000_000
#: Draws evaluated per model call; bounds memory to (inputs + outputs) × 8 B × this × workers.
DEFAULT_CHUNK = 1 << 16
#: Threads; the reference machine has two cores.
DEFAULT_WORKERS = 2


@dataclass(frozen=True, slots=True)
class McOutput:
    """Summary of one output's distribution: y, u(y) and two coverage intervals."""

    mean: float
    u: float
    symmetric: tuple[float, float]
    shortest: tuple[float, float]
    coverage: float


@dataclass(frozen=True, slots=True)
class McResult:
    """Monte Carlo result: summaries per output, and what produced them."""

    outputs: dict[str, McOutput]
    draws: int
    seed: int | None


def monte_carlo(
    model: Model,
    inputs: Mapping[str, Distribution | Any],
    correlations: Mapping[tuple[str, str], float] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    coverage: float = 0.95,
    chunk: int = DEFAULT_CHUNK,
    outputs: Sequence[str] | None = None,
    workers: int = DEFAULT_WORKERS,
) -> McResult:
    """Propagate input distributions through ``model`` with M = ``draws`` trials.

    Args:
        model: the measurement model (as for :func:`~.gum.propagate`).
        inputs: a distribution per uncertain input; any other value is passed as a constant.
        correlations: r_ij between pairs of :class:`Normal` inputs.
        draws: M; at least enough for the coverage interval to have an end point.
        seed: PCG64 seed for a reproducible result.
        coverage: the coverage probability p of the intervals.
        chunk: draws per model call.
        outputs: the outputs to keep and summarise (all numeric outputs by default); naming
            them saves memory and the sorting of the others.
        workers: threads drawing and evaluating chunks (NumPy releases the GIL in both).

    Each chunk draws from its own PCG64 stream spawned from ``seed`` (``SeedSequence.spawn``),
    so a seeded result does not depend on ``workers`` or on thread scheduling, only on
    ``chunk``.

    Raises:
        AccountingError: ``mcm.*`` for a bad count, correlation or model output.
    """
    _check_counts(draws, coverage, chunk)
    uncertain = {k: v for k, v in inputs.items() if isinstance(v, _DISTRIBUTIONS)}
    factor, correlated = _cholesky(uncertain, correlations or {})
    starts = range(0, draws, chunk)
    streams = np.random.SeedSequence(seed).spawn(len(starts))

    def evaluate(index: int) -> dict[str, FloatArray]:
        n = min(chunk, draws - starts[index])
        rng = np.random.Generator(np.random.PCG64(streams[index]))
        sample: dict[str, Any] = dict(inputs)
        sample.update(_draw(uncertain, factor, correlated, rng, n))
        kept = {}
        for name, value in model(sample).items():
            array = (
                None if outputs is not None and name not in outputs else _numeric(name, value, n)
            )
            if array is not None:
                kept[name] = array
        return kept

    collected: dict[str, FloatArray] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for start, kept in zip(starts, pool.map(evaluate, range(len(starts))), strict=True):
            for name, array in kept.items():
                collected.setdefault(name, np.empty(draws))[start : start + array.size] = array
    return McResult(
        outputs={name: summarise(y, coverage) for name, y in collected.items()},
        draws=draws,
        seed=seed,
    )


def summarise(y: FloatArray, coverage: float = 0.95) -> McOutput:
    """Mean, standard deviation and coverage intervals of M model values (JJF 1059.2 7.7).

    With q = pM (rounded to the nearest integer when pM is not one), the probabilistically
    symmetric interval is [y_(r), y_(r+q)] with r = (M − q)/2 (rounded up, 1-based); the shortest
    is the [y_(r), y_(r+q)] of least width over r = 1 … M − q. Only the two tails need sorting.
    """
    m = y.size
    q = int(coverage * m + 0.5)
    tail = m - q
    if tail < 1:
        raise AccountingError(
            "mcm.too_few_draws", "draws: {m} trials give no {p} coverage interval", m=m, p=coverage
        )
    part = np.partition(y, (tail - 1, q))
    low = np.sort(part[:tail])  # y_(1) … y_(M−q)
    high = np.sort(part[q:])  # y_(q+1) … y_(M)
    r = (tail + 1) // 2  # 1-based r of the symmetric interval
    best = int(np.argmin(high - low))
    return McOutput(
        mean=float(y.mean()),
        u=float(y.std(ddof=1)),
        symmetric=(float(low[r - 1]), float(high[r - 1])),
        shortest=(float(low[best]), float(high[best])),
        coverage=coverage,
    )


_DISTRIBUTIONS = (Normal, Rectangular, Triangular, LogNormal)


def _check_counts(draws: int, coverage: float, chunk: int) -> None:
    if draws < 2 or chunk < 1 or not 0.0 < coverage < 1.0:
        raise AccountingError(
            "mcm.bad_count",
            "draws ≥ 2, chunk ≥ 1 and 0 < coverage < 1 expected, got {draws}, {chunk}, {coverage}",
            draws=draws,
            chunk=chunk,
            coverage=coverage,
        )


def _cholesky(
    uncertain: Mapping[str, Distribution], correlations: Mapping[tuple[str, str], float]
) -> tuple[FloatArray, list[str]]:
    """Lower Cholesky factor of the correlation matrix of the correlated (normal) inputs."""
    names = sorted({n for pair in correlations for n in pair})
    for name in names:
        if not isinstance(uncertain.get(name), Normal):
            raise AccountingError(
                "mcm.correlated_not_normal",
                "correlation names {field!r}: correlated inputs must be Normal distributions",
                field=name,
            )
    index = {n: i for i, n in enumerate(names)}
    r = np.eye(len(names))
    for (a, b), value in correlations.items():
        if a == b or not -1.0 <= value <= 1.0:
            raise AccountingError(
                "mcm.bad_correlation",
                "correlation ({a!r}, {b!r}): expected two inputs and −1 ≤ r ≤ 1, got {value}",
                a=a,
                b=b,
                value=value,
            )
        r[index[a], index[b]] = r[index[b], index[a]] = value
    try:
        return np.asarray(np.linalg.cholesky(r), dtype=np.float64), names
    except np.linalg.LinAlgError as exc:
        raise AccountingError(
            "mcm.not_positive_definite",
            "correlations of {names}: the matrix is not positive definite",
            names=names,
        ) from exc


def _draw(
    uncertain: Mapping[str, Distribution],
    factor: FloatArray,
    correlated: list[str],
    rng: np.random.Generator,
    n: int,
) -> dict[str, FloatArray]:
    drawn = {k: d.draw(rng, n) for k, d in uncertain.items() if k not in correlated}
    if correlated:
        z = factor @ rng.standard_normal((len(correlated), n))
        for row, name in enumerate(correlated):
            dist = uncertain[name]
            assert isinstance(dist, Normal)  # checked by _cholesky
            drawn[name] = dist.mean + dist.sd * z[row]
    return drawn


def _numeric(name: str, value: Any, n: int) -> FloatArray | None:
    """The output as n floats; non-numeric outputs (labels, flags) are skipped."""
    if isinstance(value, str | bool | np.bool_) or value is None:
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if array.ndim == 0:
        return np.full(n, float(array))
    if array.shape != (n,):
        raise AccountingError(
            "mcm.output_shape",
            "output {field!r}: expected {n} values, got shape {got}",
            field=name,
            n=n,
            got=list(array.shape),
        )
    return array


def guf_validation_tolerance(u_c: float, significant_digits: int = 2) -> float:
    """Numerical tolerance δ of JJF 1059.2 cl. 8 (GUM S1 7.9.2): half a unit in u_c's last digit.

    u_c written with ``significant_digits`` digits as c × 10^l gives δ = ½ × 10^l.
    """
    if not (u_c > 0 and math.isfinite(u_c)):
        raise AccountingError("mcm.bad_uncertainty", "u_c: expected > 0, got {got}", got=u_c)
    exponent = math.floor(math.log10(u_c)) - (significant_digits - 1)
    return 0.5 * 10.0**exponent


@dataclass(frozen=True, slots=True)
class GufValidation:
    """Outcome of comparing the GUM interval y ± U_p with a Monte Carlo interval."""

    delta: float
    d_low: float
    d_high: float
    passed: bool


def validate_guf(
    y: float,
    u_c: float,
    interval: tuple[float, float],
    k: float = 1.959964,
    significant_digits: int = 2,
) -> GufValidation:
    """JJF 1059.2 cl. 8 (GUM S1 8.2): is the GUM uncertainty framework valid for this model?

    d_low = |y − U_p − y_low|, d_high = |y + U_p − y_high| with U_p = k·u_c (k = 1.96 for a
    95 % Gaussian interval); the GUF is validated when both are ≤ δ of
    :func:`guf_validation_tolerance`. The Monte Carlo interval is normally the symmetric one.
    """
    delta = guf_validation_tolerance(u_c, significant_digits)
    expanded = k * u_c
    d_low = abs(y - expanded - interval[0])
    d_high = abs(y + expanded - interval[1])
    return GufValidation(
        delta=delta, d_low=d_low, d_high=d_high, passed=max(d_low, d_high) <= delta
    )
