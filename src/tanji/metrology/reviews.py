"""Metrology review (计量审查, R4.2.6): submissions, findings, decisions, responses.

States and transitions are data (:data:`~tanji.metrology.choices.REVIEW_TRANSITIONS`); every
change of state goes through :func:`transition`, which checks who may act, runs the automatic
checks on submission, and writes the review event and the audit entry in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tanji.metrology import checks, queries, review_log, signing
from tanji.metrology.choices import (
    REVIEW_TRANSITIONS,
    FindingSeverityChoices,
    ReviewActionChoices,
    ReviewKindChoices,
    ReviewStateChoices,
    SigningScopeChoices,
)
from tanji.metrology.models import Review, ReviewEvent, ReviewFinding
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_new

__all__ = ["FindingInput", "create_review", "submit_ledger_update", "transition"]

#: Which qualification an enterprise signer needs for each kind of submission.
SCOPE_OF_KIND: dict[str, str] = {
    ReviewKindChoices.LEDGER_UPDATE: SigningScopeChoices.LEDGER,
    ReviewKindChoices.CALIBRATION_PLAN: SigningScopeChoices.CALIBRATION,
    ReviewKindChoices.CERTIFICATE: SigningScopeChoices.CALIBRATION,
    ReviewKindChoices.DATA_PACKAGE: SigningScopeChoices.DATA,
}
REFERENCE_KEYS: dict[str, str] = {
    ReviewKindChoices.LEDGER_UPDATE: "snapshot_id",
    ReviewKindChoices.CERTIFICATE: "certificate_id",
}


@dataclass(frozen=True)
class FindingInput:
    """A reviewer's finding: the clause it rests on, what is wrong, how serious."""

    clause: str
    text: str
    severity: str = FindingSeverityChoices.MAJOR


Step = Callable[[Actor, Review, str, Sequence[FindingInput], Mapping[int, str]], None]


@transaction.atomic
def create_review(
    actor: Actor, *, enterprise_id: int, kind: str, title: str, period: str, payload: dict[str, Any]
) -> Review:
    """Open a draft submission; the referenced object must be the enterprise's own."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_INSTRUMENTS, enterprise)
    key = REFERENCE_KEYS.get(kind)
    if key is not None:
        lookup = queries.ledger_snapshot if key == "snapshot_id" else queries.certificate
        referenced = lookup(actor, int(payload.get(key) or 0))
        if referenced.enterprise_id != enterprise.pk:
            raise InvalidInput(
                "metrology.payload_other_enterprise",
                "{key} belongs to another enterprise",
                key=key,
                field="payload",
            )
    review = Review(enterprise=enterprise, kind=kind, title=title, period=period, payload=payload)
    return save_new(actor, review)


@transaction.atomic
def submit_ledger_update(actor: Actor, snapshot_id: int) -> Review:
    """Open and submit the year-end ledger update of a snapshot (R7.1.2)."""
    snap = queries.ledger_snapshot(actor, snapshot_id)
    if (
        queries.reviews(actor)
        .filter(enterprise_id=snap.enterprise_id, payload__snapshot_id=snap.pk)
        .exclude(state=ReviewStateChoices.REJECTED)
        .exists()
    ):
        raise InvalidInput(
            "metrology.already_submitted",
            "snapshot {snapshot} is already submitted",
            snapshot=snap.pk,
        )
    review = create_review(
        actor,
        enterprise_id=snap.enterprise_id,
        kind=ReviewKindChoices.LEDGER_UPDATE,
        title=f"{snap.year} ledger update",
        period=str(snap.year),
        payload={"snapshot_id": snap.pk, "sha256": snap.sha256},
    )
    return transition(actor, review.pk, ReviewActionChoices.SUBMIT)


@transaction.atomic
def transition(
    actor: Actor,
    review_id: int,
    action: str,
    *,
    note: str = "",
    findings: Sequence[FindingInput] = (),
    responses: Mapping[int, str] | None = None,
) -> Review:
    """Move a review by ``action``: the one writer of review state (with event and audit)."""
    review = queries.review(actor, review_id)
    target, side = _target(review, action)
    today = timezone.localdate()
    _require_side(actor, review, side, today)
    before = snapshot(review)
    step: Step = STEPS.get(action, _no_step)
    step(actor, review, note, findings, responses or {})
    if action == ReviewActionChoices.SUBMIT:
        review.checks = checks.run_checks(actor, review, today)
        review.submitted_by_id = actor.user_id
    if side == "reviewer":
        review.decision_note = note
    old_state, review.state = review.state, target
    review.save()
    event = ReviewEvent(
        enterprise_id=review.enterprise_id,
        review=review,
        action=action,
        from_state=old_state,
        to_state=target,
        username=actor.username,
        note=note,
    )
    event.save()
    review_log.commit_event(event, actor.user_id)  # the decision enters the trust log
    record(actor, f"review_{action}", review, before, snapshot(review))
    return review


def _require_side(actor: Actor, review: Review, side: str, today: date) -> None:
    """Reviewers decide with a reviewer qualification; the enterprise signs with its scope's."""
    if side == "reviewer":
        actor.require(Action.REVIEW_METROLOGY, review.enterprise)
        signing.require_reviewer(actor, review.enterprise, today)
    else:
        actor.require(Action.EDIT_INSTRUMENTS, review.enterprise)
        signing.require_signer(actor, review.enterprise, SCOPE_OF_KIND[review.kind], today)


def _target(review: Review, action: str) -> tuple[str, str]:
    step = REVIEW_TRANSITIONS.get((review.state, action))
    if step is None:
        allowed = sorted(a for (s, a) in REVIEW_TRANSITIONS if s == review.state)
        raise InvalidInput(
            "metrology.bad_transition",
            "review {review} is {state}: cannot {action} (allowed: {allowed})",
            review=review.pk,
            state=review.state,
            action=action,
            allowed=", ".join(allowed) or "none",
        )
    return step


def _no_step(
    actor: Actor,
    review: Review,
    note: str,
    findings: Sequence[FindingInput],
    responses: Mapping[int, str],
) -> None:
    return None


def _return(
    actor: Actor,
    review: Review,
    note: str,
    findings: Sequence[FindingInput],
    responses: Mapping[int, str],
) -> None:
    if not findings:
        raise InvalidInput(
            "metrology.findings_required",
            "returning a review needs at least one finding",
            field="findings",
        )
    for item in findings:
        if not item.clause.strip() or not item.text.strip():
            raise InvalidInput(
                "metrology.finding_incomplete",
                "a finding names its clause and its text",
                field="findings",
            )
        finding = ReviewFinding(
            enterprise_id=review.enterprise_id,
            review=review,
            clause=item.clause,
            text=item.text,
            severity=item.severity,
        )
        save_new(actor, finding)


def _respond(
    actor: Actor,
    review: Review,
    note: str,
    findings: Sequence[FindingInput],
    responses: Mapping[int, str],
) -> None:
    open_findings = list(queries.review_findings(actor, review_id=review.pk).filter(response=""))
    missing = [f.pk for f in open_findings if not responses.get(f.pk, "").strip()]
    if missing:
        raise InvalidInput(
            "metrology.responses_required",
            "every open finding needs a response (missing: {missing})",
            missing=", ".join(map(str, missing)),
            field="responses",
        )
    now = timezone.now()
    for finding in open_findings:
        before = snapshot(finding)
        finding.response, finding.responded_at = responses[finding.pk].strip(), now
        finding.save()
        record(actor, "respond", finding, before, snapshot(finding))


def _reject(
    actor: Actor,
    review: Review,
    note: str,
    findings: Sequence[FindingInput],
    responses: Mapping[int, str],
) -> None:
    if not note.strip():
        raise InvalidInput("metrology.note_required", "a rejection states its reason", field="note")


STEPS: dict[str, Step] = {
    ReviewActionChoices.RETURN: _return,
    ReviewActionChoices.RESPOND: _respond,
    ReviewActionChoices.REJECT: _reject,
}
