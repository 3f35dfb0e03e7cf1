"""Versioned rule data of metrology: GB 17167 tables and JJG/JJF verification periods.

The numbers live in YAML files beside this module (``rules/*.yaml``), each with its version,
source and confidence tag (standards §8 marks them [R]: recalled, to be verified), so a new
edition is a new file and every computed result can name the version it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tanji.errors import CodedError

RULES_DIR = Path(__file__).resolve().parent / "rules"
GB17167_FILE = "gb17167-2006.yaml"
PERIODS_FILE = "verification-periods.yaml"
LEVELS = ("entity", "sub_unit", "equipment")


class RuleError(CodedError):
    """Rule data asked for something it does not hold."""


@dataclass(frozen=True)
class RequiredRate:
    """GB 17167 Table 1: the provision rate required at one level for one energy kind."""

    energy_kind: str
    level: str
    required_pct: float
    clause: str


@dataclass(frozen=True)
class RequiredClass:
    """GB 17167 Table 3: the loosest accuracy class admissible for a use."""

    use: str
    required: str
    clause: str


@dataclass(frozen=True)
class Period:
    """A verification/calibration period from the applicable regulation."""

    instrument_type: str
    regulation: str
    kind: str
    months: int


@dataclass(frozen=True)
class Provenance:
    """Where a rule file comes from."""

    version: str
    source: str
    confidence: str


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((RULES_DIR / name).read_text(encoding="utf-8"))
    return data


def provenance(name: str = GB17167_FILE) -> Provenance:
    """Version, source and confidence of a rule file (shown beside every compliance table)."""
    data = _load(name)
    return Provenance(data["version"], " ".join(data["source"].split()), data["confidence"])


def required_rate(energy_kind: str, level: str) -> RequiredRate | None:
    """The required provision rate, or None where GB 17167 sets none (e.g. waste energy)."""
    row = _load(GB17167_FILE)["provision_rates_pct"].get(energy_kind)
    if row is None or level not in LEVELS or row.get(level) is None:
        return None
    return RequiredRate(energy_kind, level, float(row[level]), str(row["clause"]))


def required_class(use: str) -> RequiredClass | None:
    """The class GB 17167 requires for a use, or None for process measurements."""
    row = _load(GB17167_FILE)["accuracy_classes"].get(use)
    return None if row is None else RequiredClass(use, str(row["required"]), str(row["clause"]))


def class_rank(accuracy_class: str) -> int | None:
    """Position in the strictest-first order; None for unclassed instruments."""
    order: list[str] = _load(GB17167_FILE)["class_order"]
    return order.index(accuracy_class) if accuracy_class in order else None


def meets_class(actual: str, required: str) -> bool:
    """Whether ``actual`` is at least as strict as ``required`` (0.2S meets 0.5S, 1.0 not)."""
    have, need = class_rank(actual), class_rank(required)
    if need is None:
        raise RuleError("metrology.unknown_class", "unknown required class {cls}", cls=required)
    return have is not None and have <= need


def verification_period(instrument_type: str, accuracy_class: str = "") -> Period:
    """The period the regulation sets for an instrument type (and class, where it matters)."""
    row = _load(PERIODS_FILE)["periods"].get(instrument_type)
    if row is None:
        raise RuleError(
            "metrology.no_period_rule",
            "no verification period is on record for instrument type {instrument_type}",
            instrument_type=instrument_type,
        )
    months = row.get("by_class", {}).get(accuracy_class, row["default_months"])
    return Period(instrument_type, str(row["regulation"]), str(row["kind"]), int(months))
