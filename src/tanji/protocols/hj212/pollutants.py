"""The pollutant-code table of HJ 212-2017 Appendix B, kept as data (``pollutants.json``).

Each entry carries its unit (and the unit of ``-Cou``) and a confidence tag: ``F`` read from the
standard text, ``R`` recalled and still to be checked against App. B. Codes outside the table are
rejected by :mod:`.records` unless the caller opts into vendor codes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Pollutant:
    """One App. B code.

    Attributes:
        code: the 6-character code (``a05001``).
        name_zh: the standard's Chinese name.
        name_en: English name.
        unit: unit of Rtd/Min/Avg/Max.
        cou_unit: unit of Cou (cumulative), or ``None`` when the code has no cumulative value.
        old_code: the HJ/T 212-2005 code it replaces, when known.
        confidence: ``F`` (standard text) or ``R`` (recalled).
    """

    code: str
    name_zh: str
    name_en: str
    unit: str
    cou_unit: str | None
    old_code: str | None
    confidence: str


@cache
def pollutant_table() -> dict[str, Pollutant]:
    """All known codes, keyed by code (loaded once from the package data)."""
    text = resources.files(__package__).joinpath("pollutants.json").read_text(encoding="utf-8")
    return {row["code"]: Pollutant(**row) for row in json.loads(text)["codes"]}


def pollutant(code: str) -> Pollutant | None:
    """The table entry for ``code``, or ``None`` when App. B (as far as we hold it) lacks it."""
    return pollutant_table().get(code)
