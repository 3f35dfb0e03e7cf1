"""Errors of the analytics core: a bad series or setting, named by field, expectation and unit."""

from __future__ import annotations

from tanji.errors import CodedError


class AnalyticsError(CodedError):
    """Bad input to an analysis (series lengths, horizons, coverage, lever settings)."""
