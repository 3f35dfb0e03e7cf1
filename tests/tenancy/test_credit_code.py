"""GB 32100-2015 unified social credit codes: structure and check character."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from tanji.tenancy.credit_code import (
    ALPHABET,
    CreditCodeError,
    check_character,
    validate_credit_code,
    with_check_character,
)

# Two codes published as examples of valid credit codes, and the demo's Wuhan enterprise.
VALID = ["91350100M000100Y43", "91110000100017643K", "91420100MA4KT0CJ1U"]


@pytest.mark.parametrize("code", VALID)
def test_accepts_valid_codes(code: str) -> None:
    assert validate_credit_code(code) == code


def test_normalises_case_and_whitespace() -> None:
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "error_code", "param"),
    [
        ("91350100M000100Y4", "tenancy.credit_code_length", {"length": 17}),
        ("91350100M000100Y433", "tenancy.credit_code_length", {"length": 19}),
        ("91350100M0001O0Y43", "tenancy.credit_code_character", {"position": 14, "char": "O"}),
        ("913501I0M000100Y43", "tenancy.credit_code_character", {"position": 7, "char": "I"}),
        ("9135A100M000100Y43", "tenancy.credit_code_division", {}),
        ("91350100M000100Y44", "tenancy.credit_code_check", {"expected": "3", "found": "4"}),
    ],
)
def test_rejects_malformed_codes_precisely(
    code: str, error_code: str, param: dict[str, object]
) -> None:
    with pytest.raises(CreditCodeError) as caught:
        validate_credit_code(code)
    assert caught.value.code == error_code
    for key, value in param.items():
        assert caught.value.params[key] == value


prefixes = st.tuples(
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(prefixes)
def test_completed_prefix_is_valid(prefix: str) -> None:
    assert validate_credit_code(with_check_character(prefix))


@given(prefixes, st.sampled_from(ALPHABET))
def test_any_other_check_character_is_rejected(prefix: str, wrong: str) -> None:
    if wrong == check_character(prefix):
        return
    with pytest.raises(CreditCodeError):
        validate_credit_code(prefix + wrong)
