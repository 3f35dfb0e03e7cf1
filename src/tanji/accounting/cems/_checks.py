"""Input checks of the CEMS formulas: the first offending row, field and unit, as a coded error.

The checks are vectorised (one ``np.flatnonzero`` per field) so a year of minutes is checked in
milliseconds; the error names the first bad row only, which is what an operator needs to act.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from tanji.accounting.errors import AccountingError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
#: 0 °C in kelvin (HJ 212-2017 App. D uses 273).
_ZERO_CELSIUS_K = 273.0
#: The HJ 212-2017 data flag of a normal (valid) value (Table C.16 / §6.6.4).
NORMAL_FLAG = "N"


class CemsInputError(AccountingError):
    """A CEMS input is outside its physical range, misshapen or of the wrong type."""


def as_float_array(field: str, value: object) -> FloatArray:
    """Convert ``value`` to a float array, or raise ``cems.not_numeric`` naming the field."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise CemsInputError(
            "cems.not_numeric",
            "{field}: expected numbers, got {value!r}",
            field=field,
            value=value,
        ) from exc
    return array


def require(
    field: str,
    value: object,
    ok: Callable[[FloatArray], npt.NDArray[np.bool_]],
    expected: str,
    unit: str,
) -> FloatArray:
    """Return ``value`` as floats after checking ``ok`` holds (and no NaN) on every element.

    Raises:
        CemsInputError: ``cems.out_of_range`` with the field, the first bad row (flat index),
            the value found, the expected range and the unit.
    """
    array = as_float_array(field, value)
    with np.errstate(invalid="ignore"):
        bad = ~ok(array) | np.isnan(array)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise CemsInputError(
            "cems.out_of_range",
            "{field} row {row}: got {value} {unit}, expected {expected}",
            field=field,
            row=row,
            value=float(array.reshape(-1)[row]),
            unit=unit,
            expected=expected,
        )
    return array


def valid_mask(flag: object, shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    """Turn flags into a validity mask: bool arrays are taken as is, strings valid iff ``"N"``.

    HJ 212-2017 App. D counts only normal minutes; every other flag (F, M, S, D, C, T, B and the
    platform's substituted R) is excluded. Accounting never imports the protocol package, so
    the flags arrive as plain strings or as a mask.

    Raises:
        CemsInputError: ``cems.flag_shape`` when the flags do not match the minute values.
    """
    array = np.asarray(flag)
    mask = array if array.dtype == np.bool_ else array == NORMAL_FLAG
    if mask.shape != shape:
        raise CemsInputError(
            "cems.flag_shape",
            "flag: expected shape {expected}, got {got}",
            expected=list(shape),
            got=list(mask.shape),
        )
    return np.asarray(mask, dtype=np.bool_)


def positive(x: FloatArray) -> BoolArray:
    """Whether x > 0 and finite."""
    return np.asarray((x > 0) & np.isfinite(x))


def non_negative(x: FloatArray) -> BoolArray:
    """Whether x ≥ 0 and finite."""
    return np.asarray((x >= 0) & np.isfinite(x))


def fraction(x: FloatArray) -> BoolArray:
    """Whether 0 ≤ x < 1 (a moisture or volume fraction)."""
    return np.asarray((x >= 0) & (x < 1))


def in_percent(x: FloatArray) -> BoolArray:
    """Whether 0 ≤ x ≤ 100 (a percentage)."""
    return np.asarray((x >= 0) & (x <= 100))


def above_absolute_zero(x: FloatArray) -> BoolArray:
    """Whether x is a finite Celsius temperature above −273 °C."""
    return np.asarray((x > -_ZERO_CELSIUS_K) & np.isfinite(x))
