"""Worked examples TV-01…05 and TV-09 (tests/accounting/data), each with clause and source."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from tanji.accounting.activity import parse_activity
from tanji.accounting.cases import evaluate_case, mismatches, parse_case
from tanji.accounting.factors import FactorLibrary, load_library
from tanji.accounting.period import evaluate_period

DATA = Path(__file__).parent / "data"
EXAMPLES = yaml.safe_load((DATA / "worked-examples.yaml").read_text(encoding="utf-8"))["cases"]
LIBRARY = load_library()


def _resolve(value: Any, library: FactorLibrary, on: dt.date) -> Any:
    """Replace {library: key} by the library's value on ``on`` (recursively)."""
    if isinstance(value, dict) and set(value) == {"library"}:
        return library.lookup(value["library"], on).value
    if isinstance(value, dict):
        return {k: _resolve(v, library, on) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, library, on) for v in value]
    return value


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_worked_example(example: dict[str, Any]) -> None:
    assert example["clause"]
    on = example.get("date", dt.date(2025, 3, 1))
    raw = {**example, "inputs": _resolve(example["inputs"], LIBRARY, on)}
    case = parse_case(raw, 0)
    outputs = evaluate_case(case)
    assert mismatches(case, outputs) == [], (outputs, example["expected"])


def test_tv09_gum_of_the_monthly_enterprise_total() -> None:
    data = yaml.safe_load((DATA / "tv09-gum.yaml").read_text(encoding="utf-8"))
    want = data["expected"]
    assert data["clause"]
    assert data["source"]
    result = evaluate_period(parse_activity(data["activity"]), LIBRARY)
    total = result.boundaries[next(b for b in result.boundaries if b.value == "enterprise")]
    assert math.isclose(
        total.co2_t, want["enterprise_co2_t"], rel_tol=want["enterprise_co2_rel_tol"]
    )
    assert math.isclose(total.u_co2_t, want["u_enterprise_co2_t"], rel_tol=want["u_rel_tol"])
    assert math.isclose(2 * total.u_co2_t, want["U_enterprise_co2_t"], rel_tol=want["u_rel_tol"])
    by_id = {s.id: s for s in result.sources}
    for source, key in (
        ("kiln_coal", "u_rel_coal"),
        ("carbonate", "u_rel_process"),
        ("raw_meal_toc", "u_rel_toc"),
    ):
        s = by_id[source]
        assert math.isclose(s.u_co2_t / s.co2_t, want[key], rel_tol=1e-5)
