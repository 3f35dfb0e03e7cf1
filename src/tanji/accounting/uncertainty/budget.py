"""Uncertainty budgets (不确定度分量一览表) per source, per boundary and for the total.

One model (the same callable as for GUM and Monte Carlo) may return several outputs — each
source, each boundary, the total — and :func:`uncertainty_budgets` gives one budget per output
from ONE first-order propagation (:func:`~.gum.propagate`) and ONE Monte Carlo run
(:func:`~.montecarlo.monte_carlo`): each input's sensitivity, contribution |c_i|·u_i and share
of the variance, the combined u_c, the expanded U = k·u_c (k = 2, JJF 1059.1 cl. 6) and the
95 % Monte Carlo interval (JJF 1059.2).

Each input is marked ``random`` or ``systematic`` because the two aggregate differently over
time (R7.4.3): the random parts of n periods (independent sampling, weighing noise) add in
quadrature, the systematic parts (one scale calibration, one default factor used all year) are
fully correlated between periods and add linearly (:func:`combine_periods`, ADR 0021).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from tanji.accounting.errors import AccountingError
from tanji.accounting.uncertainty.distributions import (
    Distribution,
    LogNormal,
    Normal,
    Rectangular,
    Triangular,
)
from tanji.accounting.uncertainty.gum import Model, propagate
from tanji.accounting.uncertainty.montecarlo import McOutput, monte_carlo

Kind = Literal["random", "systematic"]
Shape = Literal["normal", "rectangular", "triangular", "lognormal"]


@dataclass(frozen=True, slots=True)
class UncertainInput:
    """An input estimate with its standard uncertainty and what the budget needs to know.

    Attributes:
        value: the estimate x_i.
        u: its standard uncertainty u(x_i), in the unit of ``value``.
        shape: the distribution the Monte Carlo draws from (with mean ``value`` and sd ``u``).
        kind: ``random`` or ``systematic`` (how it aggregates over periods).
        source: the emission source or group the input belongs to (for per-source lines).
        basis: where u comes from (certificate number, accuracy class, method, range).
    """

    value: float
    u: float
    shape: Shape = "normal"
    kind: Kind = "systematic"
    source: str = ""
    basis: str = ""

    def distribution(self) -> Distribution:
        """The distribution with mean ``value`` and standard deviation ``u``."""
        if self.shape == "rectangular":
            return Rectangular.centred(self.value, self.u * math.sqrt(3.0))
        if self.shape == "triangular":
            return Triangular.centred(self.value, self.u * math.sqrt(6.0))
        if self.shape == "lognormal":
            return LogNormal(self.value, self.u)
        return Normal(self.value, self.u)


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One input's row in a budget."""

    name: str
    value: float
    u: float
    sensitivity: float
    contribution: float
    variance_share: float
    kind: str
    source: str
    basis: str


@dataclass(frozen=True, slots=True)
class Budget:
    """The budget of one output (a source, a boundary or the total)."""

    output: str
    value: float
    u_c: float
    k: float
    lines: tuple[BudgetLine, ...]
    u_random: float
    u_systematic: float
    mc: McOutput | None

    @property
    def expanded(self) -> float:
        """U = k·u_c."""
        return self.k * self.u_c

    @property
    def relative(self) -> float:
        """u_c/|y| (NaN for y = 0)."""
        return self.u_c / abs(self.value) if self.value else math.nan

    def by_source(self) -> dict[str, float]:
        """Combined u per input source: the quadrature of its lines (inputs uncorrelated)."""
        totals: dict[str, float] = {}
        for line in self.lines:
            totals[line.source] = totals.get(line.source, 0.0) + line.contribution**2
        return {source: math.sqrt(v) for source, v in totals.items()}


def uncertainty_budgets(
    model: Model,
    inputs: Mapping[str, UncertainInput | Any],
    outputs: Sequence[str] | None = None,
    k: float = 2.0,
    draws: int | None = 1_000_000,
    seed: int | None = None,
) -> dict[str, Budget]:
    """Budgets of the named outputs (all numeric outputs by default).

    Inputs that are not :class:`UncertainInput` are constants. Inputs are taken as
    uncorrelated, which is what lets the random and systematic parts be separated; with
    ``draws=None`` the Monte Carlo run is skipped.
    """
    uncertain = {n: v for n, v in inputs.items() if isinstance(v, UncertainInput)}
    estimates = {n: (v.value if isinstance(v, UncertainInput) else v) for n, v in inputs.items()}
    gum = propagate(model, estimates, {n: v.u for n, v in uncertain.items()})
    names = list(outputs) if outputs is not None else list(gum.values)
    missing = [n for n in names if n not in gum.values]
    if missing:
        raise AccountingError(
            "budget.unknown_output",
            "outputs {names} are not numeric outputs of the model",
            names=missing,
        )
    mc = None
    if draws is not None:
        dists = {
            n: (v.distribution() if isinstance(v, UncertainInput) else v) for n, v in inputs.items()
        }
        mc = monte_carlo(model, dists, draws=draws, seed=seed, outputs=names)
    return {
        name: _budget(
            name,
            gum.values[name],
            gum.sensitivities[name],
            uncertain,
            k,
            mc.outputs.get(name) if mc else None,
        )
        for name in names
    }


def _budget(
    output: str,
    value: float,
    sensitivities: Mapping[str, float],
    uncertain: Mapping[str, UncertainInput],
    k: float,
    mc: McOutput | None,
) -> Budget:
    contributions = {n: abs(c) * uncertain[n].u for n, c in sensitivities.items()}
    variance = sum(c * c for c in contributions.values())
    lines = tuple(
        BudgetLine(
            name=n,
            value=uncertain[n].value,
            u=uncertain[n].u,
            sensitivity=sensitivities[n],
            contribution=c,
            variance_share=(c * c / variance) if variance else 0.0,
            kind=uncertain[n].kind,
            source=uncertain[n].source,
            basis=uncertain[n].basis,
        )
        for n, c in sorted(contributions.items(), key=lambda item: -item[1])
    )
    return Budget(
        output=output,
        value=value,
        u_c=math.sqrt(variance),
        k=k,
        lines=lines,
        u_random=_part(lines, "random"),
        u_systematic=_part(lines, "systematic"),
        mc=mc,
    )


def _part(lines: Sequence[BudgetLine], kind: str) -> float:
    return math.sqrt(sum(line.contribution**2 for line in lines if line.kind == kind))


@dataclass(frozen=True, slots=True)
class PeriodTotal:
    """A sum over periods (months of a year …) with its random and systematic parts."""

    value: float
    u_random: float
    u_systematic: float

    @property
    def u_c(self) -> float:
        """√(u_random² + u_systematic²): the two parts are independent of each other."""
        return math.hypot(self.u_random, self.u_systematic)


def combine_periods(budgets: Sequence[Budget]) -> PeriodTotal:
    """The uncertainty of the sum of one output over n periods (R7.4.3, ADR 0021).

    Random parts are independent between periods: u_random = √Σ u_random,i². Systematic parts
    come from the same instrument bias or default factor in every period, so they are fully
    correlated: u_systematic = Σ u_systematic,i. Twelve equal months thus give √12 × the
    monthly random part but 12 × the systematic part.
    """
    if not budgets:
        raise AccountingError("budget.no_periods", "budgets: expected at least one period")
    return PeriodTotal(
        value=sum(b.value for b in budgets),
        u_random=math.sqrt(sum(b.u_random**2 for b in budgets)),
        u_systematic=sum(b.u_systematic for b in budgets),
    )
