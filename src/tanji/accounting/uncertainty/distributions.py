"""Probability distributions of input quantities for JJF 1059.2-2012 Monte Carlo propagation.

Each distribution is a frozen dataclass that knows its expectation, its standard deviation and
how to draw from a NumPy generator, so a budget can state both the GUM figure (``sd``) and the
Monte Carlo one from the same object. Parameters follow JJF 1059.2 cl. 6 (GUM S1 §6.4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tanji.accounting.errors import AccountingError

FloatArray = npt.NDArray[np.float64]


class DistributionError(AccountingError):
    """A distribution was given impossible parameters."""


@dataclass(frozen=True, slots=True)
class Normal:
    """Gaussian N(mean, sd²): a certificate's U with k, or a Type A mean (JJF 1059.2 6.4.7)."""

    mean: float
    sd: float

    def __post_init__(self) -> None:
        _check(self.sd >= 0 and math.isfinite(self.sd), "normal", "sd ≥ 0", self.sd)

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` draws (scaled in place: one array, no temporaries)."""
        z = rng.standard_normal(n)
        z *= self.sd
        z += self.mean
        return z


@dataclass(frozen=True, slots=True)
class Rectangular:
    """Uniform on [low, high]: an MPE or accuracy class, a default range (JJF 1059.2 6.4.2)."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _check(self.high >= self.low, "rectangular", "high ≥ low", self.high - self.low)

    @classmethod
    def centred(cls, mean: float, half_width: float) -> Rectangular:
        """Uniform on [mean − a, mean + a]."""
        return cls(mean - half_width, mean + half_width)

    @property
    def mean(self) -> float:
        """Expectation (a + b)/2."""
        return 0.5 * (self.low + self.high)

    @property
    def sd(self) -> float:
        """Standard deviation (b − a)/√12 = a/√3 for half-width a."""
        return (self.high - self.low) / math.sqrt(12.0)

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` draws."""
        return rng.uniform(self.low, self.high, n)


@dataclass(frozen=True, slots=True)
class Triangular:
    """Triangular on [low, high] with the given mode (JJF 1059.2 6.4.5)."""

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        ordered = self.low <= self.mode <= self.high and self.low < self.high
        _check(ordered, "triangular", "low ≤ mode ≤ high, low < high", self.mode)

    @classmethod
    def centred(cls, mean: float, half_width: float) -> Triangular:
        """Symmetric triangle on [mean − a, mean + a] (sd a/√6)."""
        return cls(mean - half_width, mean, mean + half_width)

    @property
    def mean(self) -> float:
        """Expectation (a + c + b)/3."""
        return (self.low + self.mode + self.high) / 3.0

    @property
    def sd(self) -> float:
        """Standard deviation √((a² + b² + c² − ab − ac − bc)/18)."""
        a, c, b = self.low, self.mode, self.high
        return math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18.0)

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` draws."""
        return rng.triangular(self.low, self.mode, self.high, n)


@dataclass(frozen=True, slots=True)
class LogNormal:
    """Log-normal with the given mean and sd of the quantity itself (positive, skewed).

    Suited to quantities known to a large relative uncertainty that cannot be negative, such
    as the TOC fraction of raw meal (IPCC 2006 Vol. 1 ch. 3 Approach 2).
    """

    mean: float
    sd: float

    def __post_init__(self) -> None:
        _check(self.mean > 0 and self.sd >= 0, "lognormal", "mean > 0 and sd ≥ 0", self.mean)

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` draws: log X ~ N(μ, σ²) with σ² = ln(1 + (sd/mean)²), μ = ln mean − σ²/2."""
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return rng.lognormal(math.log(self.mean) - 0.5 * sigma2, math.sqrt(sigma2), n)


Distribution = Normal | Rectangular | Triangular | LogNormal


def _check(ok: bool, kind: str, expected: str, got: float) -> None:
    if not ok:
        raise DistributionError(
            "mcm.bad_distribution",
            "{kind} distribution: expected {expected}, got {got}",
            kind=kind,
            expected=expected,
            got=got,
        )
