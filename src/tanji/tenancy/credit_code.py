"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

18 characters from a 31-symbol alphabet (digits and capitals without I, O, Z, S, V):
registration authority (1), entity type (1), administrative division (6 digits, GB/T 2260),
organisation code (9, GB 11714) and a check character. The check character is
``31 - (Σ value_i × 3^i mod 31) mod 31`` over the first 17 positions (GB 32100-2015 §4.3,
weights 3^i mod 31); a result of 31 is written ``0``.
"""

from __future__ import annotations

from tanji.errors import CodedError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class CreditCodeError(CodedError):
    """A malformed unified social credit code."""


def check_character(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters."""
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def with_check_character(first17: str) -> str:
    """Complete a 17-character prefix into a valid code (used by factories and the demo)."""
    return first17 + check_character(first17)


def validate_credit_code(code: str) -> str:
    """Return ``code`` upper-cased if valid, else raise :class:`CreditCodeError`.

    Raises:
        CreditCodeError: ``tenancy.credit_code_length``, ``tenancy.credit_code_character``,
            ``tenancy.credit_code_division`` or ``tenancy.credit_code_check``.
    """
    value = code.strip().upper()
    if len(value) != LENGTH:
        raise CreditCodeError(
            "tenancy.credit_code_length",
            "credit code {value!r} has {length} characters, expected 18",
            value=code,
            length=len(value),
        )
    _check_alphabet(code, value)
    if not value[2:8].isdigit():
        raise CreditCodeError(
            "tenancy.credit_code_division",
            "credit code {value!r}: positions 3-8 must be a 6-digit division code",
            value=code,
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise CreditCodeError(
            "tenancy.credit_code_check",
            "credit code {value!r}: check character is {found!r}, expected {expected!r}",
            value=code,
            found=value[17],
            expected=expected,
        )
    return value


def _check_alphabet(code: str, value: str) -> None:
    for position, char in enumerate(value, start=1):
        if char not in ALPHABET:
            raise CreditCodeError(
                "tenancy.credit_code_character",
                "credit code {value!r}: character {char!r} at position {position} is not allowed "
                "(digits and capitals except I, O, Z, S, V)",
                value=code,
                char=char,
                position=position,
            )
