"""Measurement uncertainty of carbon data: JJF 1059.1 (GUM) and JJF 1059.2 (Monte Carlo).

A model is any callable taking named inputs (floats, or equal-shaped NumPy arrays) and returning
named outputs; the formulas of the accounting core are written so that one callable serves the point
value, :func:`propagate` (first-order GUM) and Monte Carlo sampling alike.
"""

from __future__ import annotations

from tanji.accounting.uncertainty.gum import GumResult, Model, propagate

__all__ = ["GumResult", "Model", "propagate"]
