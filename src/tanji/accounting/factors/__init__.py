"""Versioned emission-factor library: defaults as data files with source, clause and confidence.

Every default of the accounting core (grid factors, fuel NCV·CC·OF of both table generations,
clinker factors and deductions, alternative-fuel EF/α, IPCC components, TOC, heat, raw-meal ratio)
lives in ``data/*.yaml`` with its source document, clause, confidence tag ([F]/[F3]/[R]/[I]) and
validity dates. Results record which entries (id + library version) they used.
"""

from __future__ import annotations

from tanji.accounting.factors.library import (
    Confidence,
    FactorEntry,
    FactorLibrary,
    FactorUse,
    Origin,
    load_library,
)

__all__ = ["Confidence", "FactorEntry", "FactorLibrary", "FactorUse", "Origin", "load_library"]
