"""The model method (数学模型法, R5.1): hourly stack CO2 regressed on activity and coal quality.

y = β₀ + β₁·coal (t) + β₂·coal heat (GJ = coal × NCV) + β₃·raw meal (t), fitted by ordinary
least squares on the valid, measured CEMS hours of the 30 days before a calendar month and used
for every hour of that month. The residual standard deviation s = √(SSR / (n − p)) is the
model's standard uncertainty of one hour (ADR 0122). A fit needs at least ``MIN_HOURS`` hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
#: Fewer training hours than this give no model (four times the coefficients, two days).
MIN_HOURS = 48
FEATURES = ("coal_t", "coal_gj", "raw_meal_t")


@dataclass(frozen=True)
class Fit:
    """Coefficients (intercept first, then :data:`FEATURES`) and residual sd (t)."""

    coefficients: tuple[float, ...]
    residual_sd_t: float
    hours: int

    def predict(self, x: FloatArray) -> FloatArray:
        """Predicted stack CO2 per hour for features ``x`` (hours × features); NaN propagates."""
        beta = np.asarray(self.coefficients)
        prediction: FloatArray = beta[0] + x @ beta[1:]
        return prediction


def fit(x: FloatArray, y: FloatArray) -> Fit | None:
    """OLS fit on the rows where every feature and the target are finite; None if too few."""
    rows = np.isfinite(y) & np.all(np.isfinite(x), axis=1) & (y > 0)
    if rows.sum() < MIN_HOURS:
        return None
    design = np.column_stack((np.ones(int(rows.sum())), x[rows]))
    beta, *_ = np.linalg.lstsq(design, y[rows], rcond=None)
    residual = y[rows] - design @ beta
    dof = max(int(rows.sum()) - design.shape[1], 1)
    return Fit(
        tuple(float(b) for b in beta), float(np.sqrt(residual @ residual / dof)), int(rows.sum())
    )
