"""Automatic checks run when a submission enters review (R4.2.6, R7.2.1).

Each check returns a :class:`Check` — completeness, consistency, overdue items, method
deviations — stored on the review so the reviewer sees them beside the submission. They inform
the decision; the reviewer decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from tanji.metrology import compliance, queries, rules, traceability
from tanji.metrology.choices import ReviewKindChoices
from tanji.metrology.ledger import rows_sha256
from tanji.metrology.models import Review
from tanji.tenancy.actor import Actor


@dataclass(frozen=True)
class Check:
    """One automatic check: its name, verdict and the items behind a failure."""

    name: str
    passed: bool
    detail: tuple[str, ...] = ()


def run_checks(actor: Actor, review: Review, at: date) -> list[dict[str, Any]]:
    """The checks of the review's kind, as JSON-ready dicts."""
    checks = CHECKS[review.kind](actor, review, at)
    return [asdict(c) | {"detail": list(c.detail)} for c in checks]


def _overdue(actor: Actor, enterprise_id: int, at: date) -> Check:
    late = [
        f"{d.code}: {d.state} (due {d.due_on})"
        for d in queries.calibrations_due(actor, at, 0)
        if d.state != "ok" and _of(actor, d.instrument_id, enterprise_id)
    ]
    return Check("overdue_items", not late, tuple(late))


def _of(actor: Actor, instrument_id: int, enterprise_id: int) -> bool:
    return queries.instruments(actor).filter(pk=instrument_id, enterprise_id=enterprise_id).exists()


def _plans(actor: Actor, enterprise_id: int) -> list[Check]:
    fitted = queries.instruments(actor).filter(enterprise_id=enterprise_id, status="in_use")
    unplanned = Q(plan__isnull=True) | Q(plan__retired_on__isnull=False)
    without = sorted(fitted.filter(unplanned).values_list("code", flat=True))
    deviating = []
    for plan in queries.calibration_plans(actor).filter(enterprise_id=enterprise_id):
        rule = rules.verification_period(
            plan.instrument.instrument_type, plan.instrument.accuracy_class
        )
        if plan.period_months > rule.months or plan.regulation != rule.regulation:
            deviating.append(
                f"{plan.instrument.code}: {plan.regulation}/{plan.period_months} mo "
                f"vs {rule.regulation}/{rule.months} mo"
            )
    return [
        Check("completeness_plans", not without, tuple(without)),
        Check("method_deviation_periods", not deviating, tuple(deviating)),
    ]


def _ledger(actor: Actor, review: Review, at: date) -> list[Check]:
    snapshot = queries.ledger_snapshot(actor, review.payload["snapshot_id"])
    incomplete = [
        r["code"]
        for r in snapshot.rows
        if r["status"] == "in_use"
        and not (r["responsible"] and (r["location"] or r["install_location"]))
    ]
    findings = compliance.compliance(actor, review.enterprise_id).findings
    return [
        Check("consistency_hash", rows_sha256(snapshot.rows) == snapshot.sha256),
        Check("completeness_rows", not incomplete, tuple(incomplete)),
        Check("gb17167", not findings, tuple(findings)),
        _overdue(actor, review.enterprise_id, at),
        *_plans(actor, review.enterprise_id),
    ]


def _plan(actor: Actor, review: Review, at: date) -> list[Check]:
    return [*_plans(actor, review.enterprise_id), _overdue(actor, review.enterprise_id, at)]


def _certificate(actor: Actor, review: Review, at: date) -> list[Check]:
    cert = queries.certificate(actor, review.payload["certificate_id"])
    chain = traceability.traceability_chain(actor, cert.pk)
    plan = queries.calibration_plans(actor).filter(instrument_id=cert.instrument_id).first()
    deviation = plan is not None and plan.regulation not in cert.method
    return [
        Check("traceability_chain", chain.complete, chain.gaps),
        Check("document_hash", bool(cert.document and cert.document.sha256)),
        Check(
            "method_deviation",
            not deviation,
            (f"{cert.method} vs plan {plan.regulation}",) if deviation and plan else (),
        ),
        Check("result", cert.result == "pass", () if cert.result == "pass" else (cert.number,)),
    ]


def _data_package(actor: Actor, review: Review, at: date) -> list[Check]:
    failed_qc = [
        f"{q.kind} {q.performed_on}: {q.result_value:g} (limit {q.limit_value:g})"
        for q in queries.qc_records(actor).filter(enterprise_id=review.enterprise_id, passed=False)
        if q.performed_on.strftime("%Y-%m") == review.period
    ]
    return [_overdue(actor, review.enterprise_id, at), Check("qc", not failed_qc, tuple(failed_qc))]


CHECKS: dict[str, Callable[[Actor, Review, date], list[Check]]] = {
    ReviewKindChoices.LEDGER_UPDATE: _ledger,
    ReviewKindChoices.CALIBRATION_PLAN: _plan,
    ReviewKindChoices.CERTIFICATE: _certificate,
    ReviewKindChoices.DATA_PACKAGE: _data_package,
}
