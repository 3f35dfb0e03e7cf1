"""Shared command arguments: a UTC day parses exactly, anything else is a named command error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management.base import CommandError

from tanji.web.management.arguments import utc_day


def test_a_day_is_its_midnight_in_utc() -> None:
    assert utc_day("2025-03-01") == datetime(2025, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2025-13-01", "01/03/2025", ""])
def test_anything_else_names_the_text(text: str) -> None:
    with pytest.raises(CommandError, match=repr(text).replace("/", ".")):
        utc_day(text)
