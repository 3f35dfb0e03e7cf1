"""Activity files (``tanji-activity/1``): the activity data and parameters of a reporting period.

The schema is documented in docs/reference/activity-file.md. An input of a source is a number (a
measured value in the unit its name gives), or a mapping with ``value`` (+ ``unit``), ``default``
(a factor-library key), ``ref`` (a shared production quantity such as ``production.clinker_t``) and
``u`` (absolute, in the given unit) or ``u_rel`` (relative) standard uncertainty. A ``value`` next
to a ``default`` is a tenant measurement replacing the default, and the result says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tanji.accounting.boundaries import Method, Scope
from tanji.accounting.cases import formula, is_number
from tanji.accounting.errors import AccountingError
from tanji.accounting.formulas import Formula
from tanji.accounting.quantities import convert, unit_of_input

FORMAT = "tanji-activity/1"
_INPUT_KEYS = {"value", "unit", "default", "ref", "u", "u_rel", "source"}


@dataclass(frozen=True)
class InputSpec:
    """One input of a source as the file states it (value already in the formula's unit).

    Attributes:
        name: formula input name.
        value: measured value, or None when only a default or a reference is given.
        default: factor-library key of the default.
        ref: name of a shared production quantity (``production.clinker_t``).
        u: absolute standard uncertainty in the formula's unit.
        u_rel: relative standard uncertainty (fraction).
        source: evidence of a measured value (lab report, meter).
    """

    name: str
    value: float | None = None
    default: str | None = None
    ref: str | None = None
    u: float | None = None
    u_rel: float | None = None
    source: str | None = None


@dataclass(frozen=True)
class SourceSpec:
    """One emission source of the period."""

    id: str
    name: str
    formula: Formula
    scope: Scope
    inputs: Mapping[str, InputSpec]
    deductions: tuple[Mapping[str, Any], ...] = ()
    method: Method = Method.ACCOUNTING


@dataclass(frozen=True)
class ActivityFile:
    """A validated activity file."""

    enterprise: str
    period_start: dt.date
    period_end: dt.date
    sources: tuple[SourceSpec, ...]
    production: Mapping[str, InputSpec] = field(default_factory=dict)
    factor_library_version: str | None = None
    correlations: Mapping[tuple[str, str], float] = field(default_factory=dict)


def _error(where: str, message: str, **params: Any) -> AccountingError:
    return AccountingError("activity.invalid", "{where}: " + message, where=where, **params)


def parse_input(name: str, raw: Any, where: str) -> InputSpec:
    """Validate one input; convert value and ``u`` into the unit the name gives."""
    if is_number(raw):
        return InputSpec(name, value=float(raw))
    if not isinstance(raw, dict) or not raw.keys() <= _INPUT_KEYS:
        raise _error(
            where,
            "expected a number in {unit} or a mapping with keys {keys}",
            unit=unit_of_input(name),
            keys=", ".join(sorted(_INPUT_KEYS)),
        )
    if not any(k in raw for k in ("value", "default", "ref")):
        raise _error(where, "give 'value', 'default' (library key) or 'ref' (production quantity)")
    for key in ("value", "u", "u_rel"):
        if key in raw and not (is_number(raw[key]) and (key == "value" or raw[key] >= 0)):
            raise _error(
                where, "{key!r} must be a finite number, got {value!r}", key=key, value=raw[key]
            )
    unit = str(raw.get("unit", unit_of_input(name)))
    target = unit_of_input(name)
    return InputSpec(
        name,
        value=None if "value" not in raw else convert(float(raw["value"]), unit, target),
        default=None if raw.get("default") is None else str(raw["default"]),
        ref=None if raw.get("ref") is None else str(raw["ref"]),
        u=None if "u" not in raw else convert(float(raw["u"]), unit, target),
        u_rel=None if "u_rel" not in raw else float(raw["u_rel"]),
        source=None if raw.get("source") is None else str(raw["source"]),
    )


def _parse_deductions(raw: Any, where: str) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(raw, list):
        raise _error(
            where, "'deductions' must be a list of {{material, material_t, default|factor}}"
        )
    rows: list[Mapping[str, Any]] = []
    for row, item in enumerate(raw):
        here = f"{where}.deductions[{row}]"
        if not isinstance(item, dict) or not isinstance(item.get("material"), str):
            raise _error(here, "expected a mapping with a text 'material'")
        if not is_number(item.get("material_t")) or item["material_t"] < 0:
            raise _error(
                here,
                "'material_t' must be a number ≥ 0 (t), got {value!r}",
                value=item.get("material_t"),
            )
        has_factor = is_number(item.get("deduction_tco2_per_t"))
        if has_factor == isinstance(item.get("default"), str):
            raise _error(here, "give exactly one of 'deduction_tco2_per_t' (tCO2/t) or 'default'")
        rows.append(dict(item))
    return tuple(rows)


def parse_source(raw: Any, row: int) -> SourceSpec:
    """Validate one source entry (``row`` = its position in ``sources``)."""
    where = f"sources[{row}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise _error(where, "expected a mapping with a text 'id'")
    where = f"sources[{row}] ({raw['id']})"
    spec = formula(raw.get("formula"), where=where)
    try:
        scope = Scope(raw.get("scope", Scope.CLINKER_LINE.value))
    except ValueError:
        raise _error(
            where, "'scope' must be one of {expected}", expected=", ".join(s.value for s in Scope)
        ) from None
    inputs = raw.get("inputs")
    if not isinstance(inputs, dict):
        raise _error(where, "'inputs' must be a mapping of input name → value")
    for name in (*spec.inputs, *spec.list_inputs):
        if name not in inputs:
            raise _error(
                where, "input {field!r} of {formula} is missing", field=name, formula=spec.id
            )
    parsed: dict[str, InputSpec] = {}
    deductions: tuple[Mapping[str, Any], ...] = ()
    for name, value in inputs.items():
        if name in spec.list_inputs:
            deductions = _parse_deductions(value, where)
        elif name in spec.inputs or name in spec.optional:
            parsed[name] = parse_input(name, value, f"{where}.inputs.{name}")
        else:
            raise _error(
                where,
                "{field!r} is not an input of {formula}; expected: {expected}",
                field=name,
                formula=spec.id,
                expected=", ".join(spec.inputs),
            )
    return SourceSpec(raw["id"], str(raw.get("name", raw["id"])), spec, scope, parsed, deductions)


def _date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise _error(where, "expected a date YYYY-MM-DD, got {value!r}", value=raw) from None


def parse_activity(document: Any) -> ActivityFile:
    """Validate a decoded activity document.

    Raises:
        AccountingError: the first problem, naming the field path (``sources[2] (kiln_coal)…``).
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _error("file", "expected a mapping with format: {expected!r}", expected=FORMAT)
    period = document.get("period")
    if not isinstance(period, dict):
        raise _error("period", "expected a mapping with 'start' and 'end' dates")
    start, end = _date(period.get("start"), "period.start"), _date(period.get("end"), "period.end")
    if end < start:
        raise _error("period", "end {end} is before start {start}", end=end, start=start)
    production_raw = document.get("production") or {}
    if not isinstance(production_raw, dict):
        raise _error("production", "expected a mapping such as {{clinker_t: …, cement_t: …}}")
    production = {n: parse_input(n, v, f"production.{n}") for n, v in production_raw.items()}
    raw_sources = document.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise _error("sources", "expected a non-empty list of sources")
    sources = tuple(parse_source(raw, row) for row, raw in enumerate(raw_sources))
    ids = [s.id for s in sources]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise _error(
            "sources", "source id(s) {ids} appear more than once", ids=", ".join(duplicates)
        )
    version = document.get("factor_library_version")
    return ActivityFile(
        correlations=_parse_correlations(document.get("correlations") or []),
        enterprise=str(document.get("enterprise", "")),
        period_start=start,
        period_end=end,
        sources=sources,
        production=production,
        factor_library_version=None if version is None else str(version),
    )


def _parse_correlations(raw: Any) -> dict[tuple[str, str], float]:
    """``correlations: [{between: [a, b], r: 1.0}]`` over model input names."""
    if not isinstance(raw, list):
        raise _error("correlations", "expected a list of {{between: [input, input], r: number}}")
    pairs: dict[tuple[str, str], float] = {}
    for row, item in enumerate(raw):
        between: Any = item.get("between") if isinstance(item, dict) else None
        ok = isinstance(between, list) and len(between) == 2 and is_number(item.get("r"))
        if not ok:
            raise _error(f"correlations[{row}]", "expected {{between: [input, input], r: number}}")
        pairs[(str(between[0]), str(between[1]))] = float(item["r"])
    return pairs


def load_activity(path: Path) -> ActivityFile:
    """Read an activity file: YAML or JSON (``.yaml``/``.yml``/``.json``) or Excel (``.xlsx``)."""
    if path.suffix.lower() == ".xlsx":
        from tanji.accounting.activity_xlsx import read_workbook

        return parse_activity(read_workbook(path))
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AccountingError(
            "activity.unreadable",
            "cannot read {path}: {reason}",
            path=str(path),
            reason=exc.strerror if isinstance(exc, OSError) else "not UTF-8 text",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AccountingError(
            "activity.bad_yaml",
            "{path}: not valid YAML/JSON at line {line}: {reason}",
            path=str(path),
            line=(mark.line + 1) if mark is not None else "?",
            reason=getattr(exc, "problem", None) or str(exc),
        ) from None
    return parse_activity(document)
