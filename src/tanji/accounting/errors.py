"""Errors of the accounting core: bad inputs named by field, row, expectation and unit."""

from __future__ import annotations

from tanji.errors import CodedError


class AccountingError(CodedError):
    """Bad input to a formula, the factor library, a cases file or an activity file."""


class UnitError(AccountingError):
    """A quantity came in a unit that cannot be converted into the unit expected."""


class FactorError(AccountingError):
    """The factor library has no entry for a key and date, or a library file is malformed."""
