"""Who may sign what (R7.1.5): a valid appointment plus a valid qualification for the scope.

Services that sign (enter a certificate, plan a calibration, sign off a QC record, submit or answer
a review) call :func:`require_signer`; a reviewer's decision calls :func:`require_reviewer`.
The platform itself (demo builder, jobs) and platform operators act without personal papers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from tanji.metrology import queries
from tanji.metrology.choices import DocumentKindChoices
from tanji.metrology.models import PersonnelDocument
from tanji.metrology.models.people import PASS_MARK
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import Enterprise

#: A document expiring within this many days is flagged "expiring".
EXPIRY_WARNING_DAYS = 60


@dataclass(frozen=True)
class DocumentFlag:
    """A personnel document with its validity at a date."""

    document_id: int
    person_id: int
    kind: str
    title: str
    valid_until: date | None
    flag: str  # valid / expiring / expired / failed


def document_flag(document: PersonnelDocument, at: date) -> str:
    """``expired``, ``expiring`` (≤ 60 days), ``failed`` (exam below pass mark), ``valid``."""
    if document.kind == DocumentKindChoices.EXAM and (document.score or 0) < PASS_MARK:
        return "failed"
    if document.valid_until is None:
        return "valid"
    days = (document.valid_until - at).days
    if days < 0:
        return "expired"
    return "expiring" if days <= EXPIRY_WARNING_DAYS else "valid"


def personnel_flags(actor: Actor, at: date, *, person_id: int | None = None) -> list[DocumentFlag]:
    """Every visible personnel document with its flag at ``at`` (R7.1.5 expiry flags)."""
    return [
        DocumentFlag(d.pk, d.person_id, d.kind, d.title, d.valid_until, document_flag(d, at))
        for d in queries.personnel_documents(actor, person_id=person_id)
    ]


def may_sign(actor: Actor, enterprise: Enterprise, user_id: int, scope: str, at: date) -> bool:
    """Whether the person holds, at ``at``, a valid appointment and a qualification for scope."""
    current = Q(valid_until__isnull=True) | Q(valid_until__gte=at)
    papers = queries.personnel_documents(actor, person_id=user_id).filter(
        current, enterprise=enterprise, issued_on__lte=at
    )
    appointed = papers.filter(kind=DocumentKindChoices.APPOINTMENT).exists()
    qualified = papers.filter(kind=DocumentKindChoices.QUALIFICATION, scope=scope).exists()
    return appointed and qualified


def require_signer(actor: Actor, enterprise: Enterprise, scope: str, at: date) -> None:
    """Raise :class:`AccessDenied` unless the acting person may sign for ``scope`` at ``at``."""
    if actor.user_id is None or actor.is_platform:
        return
    if not may_sign(actor, enterprise, actor.user_id, scope, at):
        raise AccessDenied(
            "metrology.not_qualified",
            "{username} holds no valid appointment and {scope} qualification on {at}",
            username=actor.username,
            scope=scope,
            at=at.isoformat(),
        )


def may_review(actor: Actor, enterprise: Enterprise, user_id: int, at: date) -> bool:
    """Whether the person holds a reviewer qualification of the enterprise's province at ``at``."""
    return (
        queries.reviewer_qualifications(actor)
        .filter(
            person_id=user_id,
            province_id=enterprise.province_id,
            issued_on__lte=at,
            valid_until__gte=at,
        )
        .exists()
    )


def require_reviewer(actor: Actor, enterprise: Enterprise, at: date) -> None:
    """Raise :class:`AccessDenied` unless the acting reviewer is qualified at ``at`` (R4.2.6)."""
    if actor.user_id is None or actor.is_platform:
        return
    if not may_review(actor, enterprise, actor.user_id, at):
        raise AccessDenied(
            "metrology.reviewer_not_qualified",
            "{username} holds no reviewer qualification valid on {at} in this province",
            username=actor.username,
            at=at.isoformat(),
        )
