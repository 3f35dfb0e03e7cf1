"""Worked-example cases (``tanji-cases/1``): the formula registry, loading, validation, evaluation.

A cases file lists calculations by formula id with named inputs and expected outputs (see
docs/reference/README.md). :data:`FORMULAS` maps every id to its :class:`Formula`; adding a formula
(e.g. the CEMS ones) is one line in it. Evaluation gives every output of the model and, when the
case states standard uncertainties of its inputs, ``u_<output>`` by first-order GUM (JJF 1059.1).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tanji.accounting.cems.formulas import CEMS_FORMULAS
from tanji.accounting.errors import AccountingError
from tanji.accounting.formulas import BUILT_IN, Formula
from tanji.accounting.uncertainty import propagate

FORMAT = "tanji-cases/1"

#: formula id → formula. Add a formula with one line here.
FORMULAS: dict[str, Formula] = {f.id: f for f in (*BUILT_IN, *CEMS_FORMULAS)}


def formula(formula_id: Any, *, where: str = "formula") -> Formula:
    """The registered formula ``formula_id``.

    Raises:
        AccountingError: unknown id (the message lists the known ones).
    """
    try:
        return FORMULAS[formula_id]
    except (KeyError, TypeError):
        raise AccountingError(
            "formula.unknown",
            "{where}: unknown formula {formula!r}; known: {known}",
            where=where,
            formula=formula_id,
            known=", ".join(sorted(FORMULAS)),
        ) from None


@dataclass(frozen=True)
class Case:
    """One validated case of a cases file."""

    id: str
    formula: Formula
    inputs: dict[str, Any]
    expected: dict[str, Any] = field(default_factory=dict)
    standard_uncertainties: dict[str, float] = field(default_factory=dict)
    rel_tol: float = 1e-6
    rel_tol_uncertainty: float = 1e-3


def is_number(value: Any) -> bool:
    """A finite int or float (bool excluded: ``True`` is not a quantity)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_names(spec: Formula, raw: dict[str, Any], where: str) -> None:
    """Every given input is known, every required one present."""
    known = {*spec.inputs, *spec.optional, *spec.list_inputs}
    for name in raw:
        if name not in known:
            raise AccountingError(
                "cases.unknown_input",
                "{where}: input {field!r} is not an input of {formula}; expected: {expected}",
                where=where,
                field=name,
                formula=spec.id,
                expected=", ".join(sorted(known)),
            )
    for name in (*spec.inputs, *spec.list_inputs):
        if name not in raw:
            raise AccountingError(
                "cases.missing_input",
                "{where}: input {field!r} of {formula} is missing",
                where=where,
                field=name,
                formula=spec.id,
            )


def validated_inputs(spec: Formula, raw: Any, where: str) -> dict[str, Any]:
    """Inputs of ``spec`` checked for presence and type, optional ones defaulted.

    Raises:
        AccountingError: missing, unknown or non-numeric input, named with ``where``.
    """
    if not isinstance(raw, dict):
        raise AccountingError(
            "cases.bad_inputs", "{where}: 'inputs' must be a mapping", where=where
        )
    _check_names(spec, raw, where)
    inputs: dict[str, Any] = dict(spec.optional)
    for name, value in raw.items():
        if name in spec.list_inputs:
            spec.list_inputs[name](name, value)
        elif not is_number(value):
            raise AccountingError(
                "cases.bad_number",
                "{where}: input {field!r} must be a finite number in the unit its name gives,"
                " got {value!r}",
                where=where,
                field=name,
                value=value,
            )
        inputs[name] = value
    return inputs


def _check_uncertainties(spec: Formula, uncertainties: dict[str, Any], where: str) -> None:
    """Standard uncertainties name numeric inputs and are numbers ≥ 0."""
    for name, u in uncertainties.items():
        if name not in spec.inputs and name not in spec.optional:
            raise AccountingError(
                "cases.unknown_input",
                "{where}: standard uncertainty for {field!r}, not a numeric input of {formula}",
                where=where,
                field=name,
                formula=spec.id,
            )
        if not is_number(u) or u < 0:
            raise AccountingError(
                "cases.bad_number",
                "{where}: standard uncertainty of {field!r} must be a number ≥ 0, got {value!r}",
                where=where,
                field=name,
                value=u,
            )


def parse_case(raw: Any, row: int) -> Case:
    """Validate one case (``row`` is its position in the file, for messages)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise AccountingError(
            "cases.bad_case", "case {row}: expected a mapping with a text 'id'", row=row
        )
    where = f"case {raw['id']!r} (row {row})"
    spec = formula(raw.get("formula"), where=where)
    inputs = validated_inputs(spec, raw.get("inputs"), where)
    expected = raw.get("expected") or {}
    uncertainties = raw.get("standard_uncertainties") or {}
    if not isinstance(expected, dict) or not isinstance(uncertainties, dict):
        raise AccountingError(
            "cases.bad_case",
            "{where}: 'expected' and 'standard_uncertainties' must be mappings",
            where=where,
        )
    _check_uncertainties(spec, uncertainties, where)
    return Case(
        id=raw["id"],
        formula=spec,
        inputs=inputs,
        expected=expected,
        standard_uncertainties={k: float(v) for k, v in uncertainties.items()},
        rel_tol=float(raw.get("rel_tol", 1e-6)),
        rel_tol_uncertainty=float(raw.get("rel_tol_uncertainty", 1e-3)),
    )


def parse_cases(document: Any) -> list[Case]:
    """Validate a decoded ``tanji-cases/1`` document.

    Raises:
        AccountingError: wrong format tag, no case list, or a bad case (with its id and row).
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise AccountingError(
            "cases.bad_format",
            'expected a JSON object with "format": {expected!r}',
            expected=FORMAT,
        )
    cases = document.get("cases")
    if not isinstance(cases, list):
        raise AccountingError("cases.bad_format", "'cases' must be a list of cases")
    parsed = [parse_case(raw, row) for row, raw in enumerate(cases)]
    seen: set[str] = set()
    for case in parsed:
        if case.id in seen:
            raise AccountingError("cases.duplicate_id", "case id {id!r} appears twice", id=case.id)
        seen.add(case.id)
    return parsed


def load_cases(path: Path) -> list[Case]:
    """Read and validate a cases file (JSON).

    Raises:
        AccountingError: unreadable file, invalid JSON (with line and column), bad content.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise AccountingError(
            "cases.unreadable", "cannot read {path}: {reason}", path=str(path), reason=reason
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AccountingError(
            "cases.bad_json",
            "{path}: invalid JSON at line {line}, column {column}: {reason}",
            path=str(path),
            line=exc.lineno,
            column=exc.colno,
            reason=exc.msg,
        ) from None
    return parse_cases(document)


def plain(value: Any) -> Any:
    """A model output as a JSON-friendly Python value."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating) or np.ndim(value) == 0:
        return float(value)
    return np.asarray(value).tolist()


def evaluate_case(case: Case) -> dict[str, Any]:
    """Outputs of a case, with ``u_<output>`` (GUM) when the case gives input uncertainties."""
    outputs = {name: plain(value) for name, value in case.formula.model(case.inputs).items()}
    if case.standard_uncertainties:
        result = propagate(case.formula.model, case.inputs, case.standard_uncertainties)
        for name, u in result.u.items():
            if isinstance(outputs.get(name), float):
                outputs[f"u_{name}"] = u
    return outputs


def mismatches(case: Case, outputs: Mapping[str, Any]) -> list[str]:
    """Expected keys whose computed value is missing or outside the case's tolerance."""
    bad: list[str] = []
    for key, want in case.expected.items():
        got: Any = outputs.get(key)
        tol = case.rel_tol_uncertainty if key.startswith("u_") else case.rel_tol
        if isinstance(want, bool) or not is_number(want):
            ok = got == want
        else:
            ok = is_number(got) and math.isclose(got, want, rel_tol=tol, abs_tol=1e-9)
        if not ok:
            bad.append(key)
    return bad
