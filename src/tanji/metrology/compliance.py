"""GB 17167-2006 compliance, computed from the ledger (R7.1.3): provision rates and classes.

Provision rate (配备率, GB 17167 §3.5) = installed points / required points × 100 %, per
metering level and energy kind. A required point is a :class:`MeteringPoint`; it counts as
installed when at least one instrument in use or in maintenance fills it (spare and retired
instruments do not). Accuracy: each in-use instrument's class must be at least as strict as the
class Table 3 requires for its use (or the stricter in-house ``required_class``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tanji.metrology import queries, rules
from tanji.metrology.choices import InstrumentStatusChoices
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor

#: Instrument statuses that count as fitted to a point.
FITTED = (InstrumentStatusChoices.IN_USE, InstrumentStatusChoices.MAINTENANCE)


@dataclass(frozen=True)
class RateRow:
    """Provision rate of one (level, energy kind): counts, rate, requirement, verdict."""

    level: str
    energy_kind: str
    required_points: int
    installed_points: int
    rate_pct: float
    required_pct: float | None
    compliant: bool | None
    clause: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ClassRow:
    """One instrument's class against the class its use requires."""

    instrument_code: str
    use: str
    actual: str
    required: str
    compliant: bool
    clause: str


@dataclass(frozen=True)
class Compliance:
    """The whole verdict of one enterprise, with the rule version it was computed with."""

    rule_version: str
    rates: tuple[RateRow, ...]
    classes: tuple[ClassRow, ...]

    @property
    def findings(self) -> list[str]:
        """Non-compliance, one line each, naming the clause."""
        lines = [
            f"{r.clause}: {r.level}/{r.energy_kind} {r.rate_pct:.1f}% < {r.required_pct:g}%"
            f" (missing {', '.join(r.missing)})"
            for r in self.rates
            if r.compliant is False
        ]
        lines += [
            f"{c.clause}: {c.instrument_code} class {c.actual} looser than {c.required}"
            for c in self.classes
            if not c.compliant
        ]
        return lines


def provision_rates(actor: Actor, enterprise_id: int) -> tuple[RateRow, ...]:
    """Provision rate per (level, energy kind) of an enterprise's required points."""
    points = queries.metering_points(actor).filter(enterprise_id=enterprise_id)
    fitted = set(
        queries.instruments(actor)
        .filter(enterprise_id=enterprise_id, status__in=FITTED, point__isnull=False)
        .values_list("point_id", flat=True)
    )
    groups: dict[tuple[str, str], list[tuple[str, bool]]] = defaultdict(list)
    for point in points:
        groups[(point.level, point.energy_kind)].append((point.code, point.pk in fitted))
    return tuple(_rate_row(level, kind, groups[(level, kind)]) for level, kind in sorted(groups))


def _rate_row(level: str, kind: str, points: list[tuple[str, bool]]) -> RateRow:
    installed = sum(1 for _code, ok in points if ok)
    rate = 100.0 * installed / len(points)
    rule = rules.required_rate(kind, level)
    return RateRow(
        level=level,
        energy_kind=kind,
        required_points=len(points),
        installed_points=installed,
        rate_pct=rate,
        required_pct=rule.required_pct if rule else None,
        compliant=(rate >= rule.required_pct) if rule else None,
        clause=f"GB 17167-2006 {rule.clause}" if rule else "",
        missing=tuple(sorted(code for code, ok in points if not ok)),
    )


def class_checks(actor: Actor, enterprise_id: int) -> tuple[ClassRow, ...]:
    """Every in-use instrument whose use has a required class, checked against it."""
    rows = []
    instruments = queries.instruments(actor).filter(enterprise_id=enterprise_id, status__in=FITTED)
    for instrument in instruments.order_by("code"):
        rule = rules.required_class(instrument.use)
        if rule is None and not instrument.required_class:
            continue
        required = rule.required if rule else instrument.required_class
        clause = f"GB 17167-2006 {rule.clause}" if rule else "in-house requirement"
        if instrument.required_class and rules.meets_class(instrument.required_class, required):
            required, clause = instrument.required_class, "in-house requirement"
        rows.append(
            ClassRow(
                instrument.code,
                instrument.use,
                instrument.accuracy_class,
                required,
                rules.meets_class(instrument.accuracy_class, required),
                clause,
            )
        )
    return tuple(rows)


def compliance(actor: Actor, enterprise_id: int) -> Compliance:
    """Provision rates and class checks of one enterprise (R7.1.3)."""
    tenancy_queries.enterprise(actor, enterprise_id)  # NotFound for invisible enterprises
    return Compliance(
        rules.provenance().version,
        provision_rates(actor, enterprise_id),
        class_checks(actor, enterprise_id),
    )
