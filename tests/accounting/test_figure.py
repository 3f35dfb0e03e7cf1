"""The input-reference grammar of a bundle figure, its resolution over readings, evaluation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tanji.accounting.errors import AccountingError
from tanji.accounting.figure import (
    REL_TOL,
    Reference,
    Sample,
    agrees,
    evaluate,
    parse_reference,
    resolve,
)

T0 = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)

# (reference text, parsed) — the grammar's worked examples.
GRAMMAR = [
    ("sum(L1.COAL.KH, t)", Reference("sum", tag="L1.COAL.KH", unit="t")),
    ("mean( LAB.NCV , GJ/t )", Reference("mean", tag="LAB.NCV", unit="GJ/t")),
    ("value(LAB.CC, tC/GJ)", Reference("value", tag="LAB.CC", unit="tC/GJ")),
    ("total(L1.COAL.KH, t/h, 60)", Reference("total", tag="L1.COAL.KH", unit="t", seconds=60)),
    ("total(F, m3/h, 0.5)", Reference("total", tag="F", unit="m3", seconds=0.5)),
    ("factor(fuel.x.ncv)", Reference("factor", entry="fuel.x.ncv")),
]


@pytest.mark.parametrize(("text", "parsed"), GRAMMAR)
def test_grammar(text: str, parsed: Reference) -> None:
    assert parse_reference(text, "input 'x'") == parsed
    assert parsed.reads_records is (parsed.function != "factor")


@pytest.mark.parametrize(
    "text", ["v", "sum(TAG)", "total(TAG, t, 60)", "total(TAG, t/h, 0)", "median(T, t)", ""]
)
def test_anything_else_is_refused_naming_the_input(text: str) -> None:
    with pytest.raises(AccountingError) as caught:
        parse_reference(text, "figure input 'fc'")
    assert caught.value.code == "figure.bad_reference"
    assert "figure input 'fc'" in str(caught.value)
    assert "total(TAG, UNIT/h, SECONDS)" in str(caught.value)


def samples(values: list[float], *, tag: str = "C", unit: str = "t/h") -> list[Sample]:
    return [Sample(tag, T0 + timedelta(minutes=i), v, unit, True) for i, v in enumerate(values)]


# (reference, readings, expected value) — computed by hand.
RESOLVED = [
    ("sum(C, t)", [1.5, 2.5, 3.0], "t", 7.0),
    ("mean(C, %)", [10.0, 11.0, 15.0], "%", 12.0),
    ("total(C, t/h, 60)", [12.0, 13.0, 14.0], "t/h", 0.65),  # 39 t/h·min / 60
    ("total(C, t/h, 3600)", [12.0, 13.0], "t/h", 25.0),
    ("value(C, GJ/t)", [21.3], "GJ/t", 21.3),
]


@pytest.mark.parametrize(("text", "values", "unit", "expected"), RESOLVED)
def test_resolution(text: str, values: list[float], unit: str, expected: float) -> None:
    ref = parse_reference(text, "x")
    value, count = resolve(ref, samples(values, unit=unit), "x")
    assert value == pytest.approx(expected, rel=1e-12)
    assert count == len(values)


def test_only_valid_readings_of_the_tag_in_the_period_count() -> None:
    rows = [
        *samples([1.0, 2.0, 4.0], unit="t"),
        Sample("C", T0, 100.0, "t", False),  # flagged (e.g. maintenance): not measurement
        Sample("OTHER", T0, 1000.0, "kg", True),
    ]
    ref = parse_reference("sum(C, t)", "x")
    assert resolve(ref, rows, "x") == (7.0, 3)
    assert resolve(ref, rows, "x", (T0 + timedelta(minutes=1), T0 + timedelta(minutes=2))) == (
        2.0,
        1,
    )


@pytest.mark.parametrize(
    ("text", "rows", "code"),
    [
        ("sum(C, t)", samples([1.0]), "figure.unit_mismatch"),
        ("sum(D, t)", samples([1.0]), "figure.no_readings"),
        ("value(C, t/h)", samples([1.0, 2.0]), "figure.not_single"),
    ],
)
def test_resolution_errors_name_the_input(text: str, rows: list[Sample], code: str) -> None:
    with pytest.raises(AccountingError) as caught:
        resolve(parse_reference(text, "x"), rows, "figure input 'fc'")
    assert caught.value.code == code
    assert "figure input 'fc'" in str(caught.value)


COAL = {
    "consumption_t": 1.95,
    "ncv_gj_per_t": 19.57,
    "carbon_content_tc_per_gj": 0.02618,
    "oxidation_rate": 0.98,
}


def test_evaluation_uses_the_registry_and_the_emission_output() -> None:
    # GB/T 32151.8 fuel combustion FC × NCV × CC × OF × 44/12, worked by hand.
    assert evaluate("fuel_combustion", COAL) == pytest.approx(3.5899845982, rel=1e-10)
    net = evaluate(
        "electricity",
        {"purchased_mwh": 10.0, "exported_mwh": 2.0, "grid_factor_tco2_per_mwh": 0.5},
        "net_mwh",
    )
    assert net == 8.0


@pytest.mark.parametrize(
    ("formula", "inputs", "output", "code"),
    [
        ("nope", COAL, None, "formula.unknown"),
        ("fuel_combustion", {"consumption_t": 1.0}, None, "cases.missing_input"),
        ("fuel_combustion", COAL, "ch4_t", "figure.unknown_output"),
    ],
)
def test_evaluation_errors(
    formula: str, inputs: dict[str, float], output: str | None, code: str
) -> None:
    with pytest.raises(AccountingError) as caught:
        evaluate(formula, inputs, output)
    assert caught.value.code == code


def test_agreement_tolerance() -> None:
    assert REL_TOL == 1e-9
    assert agrees(3.5899845982, 3.5899845982 * (1 + 5e-10))
    assert not agrees(3.5899845982, 3.5899845982 * (1 + 5e-9))
    assert agrees(0.0, 0.0)


# Counters and declared values (ADR 0181): delta sums positive steps and restarts after a
# reset; readings are converted by exact factors only.
@pytest.mark.parametrize(
    ("text", "rows", "expected"),
    [
        ("delta(M, kWh)", [(0, 100.0, "kWh"), (1, 160.0, "kWh"), (2, 250.0, "kWh")], 150.0),
        ("delta(M, kWh)", [(2, 250.0, "kWh"), (0, 100.0, "kWh"), (1, 160.0, "kWh")], 150.0),
        ("delta(M, kWh)", [(0, 990.0, "kWh"), (1, 10.0, "kWh"), (2, 30.0, "kWh")], 30.0),
        ("delta(M, MWh)", [(0, 5_000_000.0, "kWh"), (1, 19_000_000.0, "kWh")], 14_000.0),
        ("mean(L, 1)", [(0, 65.4, "%"), (1, 65.6, "%")], 0.655),
    ],
)
def test_counters_and_conversions(
    text: str, rows: list[tuple[int, float, str]], expected: float
) -> None:
    ref = parse_reference(text, "input 'x'")
    samples = [Sample(ref.tag, T0 + timedelta(hours=h), v, u, True) for h, v, u in rows]
    assert resolve(ref, samples, "input 'x'")[0] == pytest.approx(expected, rel=1e-12)


def test_a_declared_constant_reads_no_records_and_other_units_are_refused() -> None:
    ref = parse_reference("const(0, MWh)", "input 'x'")
    assert (ref.function, ref.number, ref.unit, ref.reads_records) == ("const", 0.0, "MWh", False)
    assert parse_reference("const(-1.5e3, t)", "input 'x'").number == -1500.0
    bad = parse_reference("sum(M, t)", "input 'x'")
    with pytest.raises(AccountingError) as caught:
        resolve(bad, [Sample("M", T0, 1.0, "kWh", True)], "input 'x'")
    assert caught.value.code == "figure.unit_mismatch"


def test_clinker_process_is_the_sum_of_the_worked_carbonate_and_toc_examples() -> None:
    import json
    from pathlib import Path

    cases = json.loads((Path(__file__).parent / "data" / "reference-cases.json").read_text())
    p05, p06 = (next(c for c in cases["cases"] if c["id"] == i) for i in ("P05", "P06"))
    inputs = {**p05["inputs"], **p06["inputs"]}
    expected = p05["expected"]["co2_t"] + p06["expected"]["co2_t"]
    assert evaluate("clinker_process", inputs) == pytest.approx(expected, rel=1e-9)
    without_dust = {k: v for k, v in inputs.items() if not k.endswith("dust_t")}
    ef = p05["expected"]["emission_factor_tco2_per_t"]
    assert evaluate("clinker_process", without_dust) == pytest.approx(
        ef * p05["inputs"]["clinker_t"] + p06["expected"]["co2_t"], rel=1e-9
    )


def test_delta_over_sub_meters_sums_each_meters_delta() -> None:
    ref = parse_reference("delta(A+B, MWh)", "input 'x'")
    rows = [("A", 0, 1000.0), ("A", 1, 3000.0), ("B", 0, 50_000.0), ("B", 1, 50_500.0)]
    samples = [Sample(t, T0 + timedelta(hours=h), v, "kWh", True) for t, h, v in rows]
    assert resolve(ref, iter(samples), "input 'x'") == (pytest.approx(2.5, rel=1e-12), 4)


# counter (ADR 0211): the step from the last reading before the period into it counts, exactly
# as the hourly rollups count it; readings after the baseline but before the period do not.
PERIOD = (T0 + timedelta(hours=2), T0 + timedelta(hours=5))
COUNTER_CASES = [
    # hour, reading: 100 at 00, 130 at 01 (the baseline), 180 at 02, 260 at 04, 300 at 05 (out)
    ([(0, 100.0), (1, 130.0), (2, 180.0), (4, 260.0), (5, 300.0)], 130.0, 80.0),
    # roll-over inside the period: 130 → 990 → 20 (reset: counts 20) → 50
    ([(1, 130.0), (2, 990.0), (3, 20.0), (4, 50.0)], 910.0, 50.0),
    # roll-over across the boundary: 990 before, 15 first in the period (counts 15)
    ([(0, 900.0), (1, 990.0), (2, 15.0), (3, 40.0)], 40.0, 25.0),
    # no earlier reading: the same as delta
    ([(2, 180.0), (4, 260.0)], 80.0, 80.0),
]


@pytest.mark.parametrize(("rows", "counter", "delta"), COUNTER_CASES)
def test_a_counter_counts_the_step_into_the_period(
    rows: list[tuple[int, float]], counter: float, delta: float
) -> None:
    samples = [Sample("M", T0 + timedelta(hours=h), v, "t", True) for h, v in rows]
    got, _ = resolve(parse_reference("counter(M, t)", "x"), samples, "x", PERIOD)
    assert got == pytest.approx(counter)
    got, _ = resolve(parse_reference("delta(M, t)", "x"), samples, "x", PERIOD)
    assert got == pytest.approx(delta)


def test_a_counter_baseline_must_be_valid_and_in_the_unit() -> None:
    rows = [
        Sample("M", T0 + timedelta(hours=1), 100.0, "t", True),
        Sample("M", T0 + timedelta(hours=1, minutes=30), 150.0, "t", False),  # flagged: ignored
        Sample("M", T0 + timedelta(hours=3), 200.0, "t", True),
    ]
    assert resolve(parse_reference("counter(M, t)", "x"), rows, "x", PERIOD) == (100.0, 2)
    only_before = rows[:2]
    with pytest.raises(AccountingError) as caught:
        resolve(parse_reference("counter(M, t)", "x"), only_before, "x", PERIOD)
    assert caught.value.code == "figure.no_readings"
    wrong = [*rows, Sample("M", T0, 1.0, "m3", True)]
    with pytest.raises(AccountingError) as caught:
        resolve(parse_reference("counter(M, t)", "x"), wrong, "x", PERIOD)
    assert caught.value.code == "figure.unit_mismatch"
