"""Figures from raw readings: the input-reference grammar, its resolution and recomputation.

An evidence bundle claims a figure (formula id, inputs, value). Each input is a *reference*
that says how to obtain the number from signed raw data or from the factor library, so an
independent verifier recomputes the figure with the same code the platform used (R7.3, R8.2):

``sum(TAG, UNIT)``
    Σ of the valid readings of ``TAG`` (every one in ``UNIT``) — e.g. a totaliser's increments.
``mean(TAG, UNIT)``
    arithmetic mean of the valid readings — e.g. a lab parameter sampled repeatedly.
``total(TAG, UNIT/h, SECONDS)``
    Σ v × SECONDS / 3600 of a rate tag read every SECONDS (the result is in ``UNIT``) — e.g.
    the kiln-head coal scale in t/h read each minute gives tonnes.
``value(TAG, UNIT)``
    the single valid reading of ``TAG`` — e.g. one lab result.
``delta(TAG, UNIT)``
    what a ``total_increasing`` counter (a totaliser, an energy meter) counted between its
    readings: Σ of the positive steps, and after a reset (a step down) the new reading
    itself (HA long-term statistics, standards §6 counters). ``TAG`` may be several tags
    joined by ``+`` (sub-meters): the sum of each one's delta.
``counter(TAG, UNIT)``
    ``delta`` counted from the counter's last valid reading *before* the period's start (which
    the bundle carries for this purpose) to its last reading in the period: the step into the
    period belongs to it, as in the live engine's hourly rollups (ADR 0211). Without an earlier
    reading it equals ``delta``. ``TAG`` may join sub-meters with ``+``.
``factor(ENTRY_ID)``
    the value of a factor-library entry (the library version is checked by the caller).
``const(NUMBER, UNIT)``
    a value the claim declares (e.g. 0 t of bypass dust for a line without a bypass); the
    verifier shows it as declared, not derived.

Readings in another unit than the reference names are converted only by the exact factors of
:data:`CONVERSIONS` (kWh → MWh, % → fraction ``1``, kg → t); any other unit is refused.

Only readings flagged normal count (HJ 212-2017 App. D: only ``N`` data is valid measurement)
and, when the figure states a period, only those timed in ``[start, end)``. Sums use
:func:`math.fsum`, so the result does not depend on the order of records or readings. The
formula is then evaluated by the registry of :mod:`tanji.accounting.cases`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from tanji.accounting.cases import formula, plain, validated_inputs
from tanji.accounting.errors import AccountingError

__all__ = [
    "REL_TOL",
    "Reference",
    "Sample",
    "agrees",
    "evaluate",
    "parse_reference",
    "resolve",
]

#: Relative tolerance of the comparison of a claimed and a recomputed figure. Both sides run
#: the same code on the same numbers; the tolerance only absorbs text round-trips of floats.
REL_TOL = 1e-9

#: Exact unit conversions the resolver applies: (reading unit, reference unit) → multiplier.
CONVERSIONS: dict[tuple[str, str], float] = {
    ("kWh", "MWh"): 1e-3,
    ("%", "1"): 1e-2,
    ("kg", "t"): 1e-3,
}

_AGGREGATE = re.compile(r"(sum|mean|value|delta|counter)\(\s*([^,()\s]+)\s*,\s*([^,()]+?)\s*\)")
_TOTAL = re.compile(r"total\(\s*([^,()\s]+)\s*,\s*([^,()]+?)/h\s*,\s*([0-9]+(?:\.[0-9]+)?)\s*\)")
_FACTOR = re.compile(r"factor\(\s*([^,()\s]+)\s*\)")
_CONST = re.compile(r"const\(\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*,\s*([^,()]+?)\s*\)")


@dataclass(frozen=True)
class Sample:
    """One reading as the resolver needs it (decoded from a signed batch by the caller)."""

    tag: str
    time: datetime
    value: float
    unit: str
    valid: bool


@dataclass(frozen=True)
class Reference:
    """A parsed input reference: ``function`` over ``tag`` in ``unit`` (or a factor ``entry``).

    For ``total`` the ``unit`` is the rate's numerator (``t`` of ``t/h``) and ``seconds`` the
    reading interval.
    """

    function: str
    tag: str = ""
    unit: str = ""
    seconds: float = 0.0
    entry: str = ""
    number: float = 0.0

    @property
    def reads_records(self) -> bool:
        """Whether the reference is resolved from readings (not a factor or a constant)."""
        return self.function not in {"factor", "const"}


def parse_reference(text: str, where: str) -> Reference:
    """Parse one input reference of the grammar in the module docstring.

    Raises:
        AccountingError: ``figure.bad_reference`` naming ``where`` and the forms accepted.
    """
    if m := _AGGREGATE.fullmatch(text.strip()):
        return Reference(m[1], tag=m[2], unit=m[3])
    if m := _TOTAL.fullmatch(text.strip()):
        seconds = float(m[3])
        if seconds > 0:
            return Reference("total", tag=m[1], unit=m[2], seconds=seconds)
    if m := _FACTOR.fullmatch(text.strip()):
        return Reference("factor", entry=m[1])
    if m := _CONST.fullmatch(text.strip()):
        return Reference("const", unit=m[2], number=float(m[1]))
    raise AccountingError(
        "figure.bad_reference",
        "{where}: {text!r} is not an input reference; expected sum(TAG, UNIT), mean(TAG, UNIT),"
        " value(TAG, UNIT), delta(TAG, UNIT), counter(TAG, UNIT), total(TAG, UNIT/h, SECONDS),"
        " factor(ENTRY_ID) or const(NUMBER, UNIT)",
        where=where,
        text=text,
    )


def resolve(
    reference: Reference,
    samples: Iterable[Sample],
    where: str,
    period: tuple[datetime, datetime] | None = None,
) -> tuple[float, int]:
    """The value of a reading reference and the number of readings it used.

    Raises:
        AccountingError: ``figure.unit_mismatch`` (a reading of the tag in another unit),
            ``figure.no_readings`` (no valid reading in the period) or ``figure.not_single``
            (``value`` over more than one reading).
    """
    if reference.function in {"delta", "counter"} and "+" in reference.tag:
        pool = list(samples)
        tags = reference.tag.split("+")
        parts = [resolve(replace(reference, tag=t), pool, where, period) for t in tags]
        return math.fsum(v for v, _ in parts), sum(n for _, n in parts)
    timed = _converted(reference, samples, where)
    inside = [tv for tv in timed if period is None or period[0] <= tv[0] < period[1]]
    if not inside:
        raise AccountingError(
            "figure.no_readings",
            "{where}: no valid reading of {tag} in the figure's records and period",
            where=where,
            tag=reference.tag,
        )
    if reference.function == "counter" and period is not None:
        before = [tv for tv in timed if tv[0] < period[0]]
        inside = ([max(before, key=lambda tv: tv[0])] if before else []) + inside
    values = [v for _, v in inside]
    return _aggregate(reference, values, where), len(values)


def _converted(
    reference: Reference, samples: Iterable[Sample], where: str
) -> list[tuple[datetime, float]]:
    """The valid readings of the reference's tag, in its unit, in time order.

    Raises:
        AccountingError: ``figure.unit_mismatch`` for a reading in a unit not convertible.
    """
    expected = f"{reference.unit}/h" if reference.function == "total" else reference.unit
    timed: list[tuple[datetime, float]] = []
    for sample in samples:
        if sample.tag != reference.tag or not sample.valid:
            continue
        scale = 1.0 if sample.unit == expected else CONVERSIONS.get((sample.unit, expected))
        if scale is None:
            raise AccountingError(
                "figure.unit_mismatch",
                "{where}: reading of {tag} at {time} is in {unit}; the reference expects"
                " {expected}",
                where=where,
                tag=sample.tag,
                time=sample.time.isoformat(),
                unit=sample.unit,
                expected=expected,
            )
        timed.append((sample.time, sample.value * scale))
    return sorted(timed, key=lambda tv: tv[0])


def _aggregate(reference: Reference, values: list[float], where: str) -> float:
    if reference.function == "sum":
        return math.fsum(values)
    if reference.function == "mean":
        return math.fsum(values) / len(values)
    if reference.function == "total":
        return math.fsum(values) * reference.seconds / 3600.0
    if reference.function in {"delta", "counter"}:
        return math.fsum(b - a if b >= a else b for a, b in itertools.pairwise(values))
    if len(values) != 1:
        raise AccountingError(
            "figure.not_single",
            "{where}: value({tag}) expects one valid reading, found {count}",
            where=where,
            tag=reference.tag,
            count=len(values),
        )
    return values[0]


def evaluate(formula_id: str, inputs: Mapping[str, float], output: str | None = None) -> float:
    """Evaluate registered formula ``formula_id`` and return ``output``.

    ``output`` defaults to the formula's emission output (``co2_t`` or ``fossil_co2_t``).

    Raises:
        AccountingError: unknown formula, missing/unknown input, or an output the formula lacks.
    """
    spec = formula(formula_id, where="figure")
    values: dict[str, Any] = validated_inputs(spec, dict(inputs), f"figure {formula_id}")
    name = output or spec.emission_output
    if name not in spec.outputs:
        raise AccountingError(
            "figure.unknown_output",
            "figure {formula}: no output {output!r}; outputs: {known}",
            formula=formula_id,
            output=name,
            known=", ".join(spec.outputs),
        )
    result = plain(spec.model(values)[name])
    if not isinstance(result, float):
        raise AccountingError(
            "figure.not_scalar", "figure {formula}: output {output!r} is not a number",
            formula=formula_id, output=name,
        )  # fmt: skip
    return result


def agrees(claimed: float, recomputed: float, rel_tol: float = REL_TOL) -> bool:
    """Whether ``claimed`` equals ``recomputed`` within ``rel_tol`` (absolute 1e-12 near 0)."""
    return math.isclose(claimed, recomputed, rel_tol=rel_tol, abs_tol=1e-12)
