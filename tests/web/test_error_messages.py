"""Every error code the services raise has a translated message; formatting fills parameters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from tanji.errors import CodedError
from tanji.tenancy.validation import InvalidInput
from tanji.web.error_messages import MESSAGES, translate
from tanji.web.templatetags.tanji import figure

SRC = Path(__file__).resolve().parents[2] / "src/tanji"
RAISED = re.compile(r'(?:Error|Input|NotFound|Denied|ImportError_)\(\s*"([a-z_]+\.[a-z_]+)"')
CONTEXTS = ("tenancy", "plant", "metrology", "web")


def _raised_codes() -> set[str]:
    codes = set()
    for context in CONTEXTS:
        for path in (SRC / context).rglob("*.py"):
            codes |= set(RAISED.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_raised_code_has_a_message() -> None:
    codes = _raised_codes()
    assert len(codes) > 15
    startup = {c for c in codes if c.startswith("config.")}  # refused before any page exists
    assert codes - set(MESSAGES) - startup == set()


def test_message_is_chinese_by_default_and_english_on_request() -> None:
    error = InvalidInput("tenancy.password_too_short", "x", username="u", length=3, minimum=12)
    with translation.override("zh-hans"):
        assert translate(error) == "密码只有 3 个字符，至少需要 12 个。"
    with translation.override("en"):
        assert translate(error) == "The password has 3 characters; at least 12 are required."


def test_field_errors_name_the_field_by_its_label() -> None:
    error = InvalidInput(
        "plant.invalid_field", "x", model="site", field="code", detail="重复", reason="unique"
    )
    with translation.override("zh-hans"):
        assert translate(error) == "编号：重复"


def test_unknown_code_falls_back_to_the_english_message() -> None:
    assert translate(CodedError("x.y", "plain {a}", a=1)) == "plain 1"


@pytest.mark.parametrize(
    ("value", "unit", "u", "expected"),
    [
        (22.5, "GJ/t", 0.12, "22.5 ± 0.24 GJ/t"),
        (5000.0, "t/d", None, "5000 t/d"),
        (0.8376, "t CO2/t", 0.0075, "0.838 ± 0.015 t CO2/t"),
        (None, "t", None, "—"),
        (125642.3, "t CO2", 1350.0, "125642 ± 2700 t CO2"),
    ],
)
def test_figure_shows_unit_and_expanded_uncertainty(
    value: float | None, unit: str, u: float | None, expected: str
) -> None:
    assert figure(value, unit, u) == expected
