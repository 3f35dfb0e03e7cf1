"""Writes of personnel records (R7.1.5): appointment, training, exam, qualification documents.

A document belongs to a person holding a membership of the enterprise; its file, if any, goes
through the same screening as certificates. Expiry is computed by :mod:`signing`, not stored.
Reviewers' qualifications are province records, filed by the platform operator.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tanji.metrology import calibration, queries
from tanji.metrology.models import PersonnelDocument, ReviewerQualification
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_changes, save_new

__all__ = [
    "add_personnel_document",
    "add_reviewer_qualification",
    "expire_reviewer_qualification",
    "update_personnel_document",
]

DOCUMENT_FIELDS = frozenset({"kind", "title", "number", "valid_until", "score", "scope"})


@transaction.atomic
def add_personnel_document(
    actor: Actor,
    *,
    enterprise_id: int,
    person_id: int,
    issued_on: date,
    filename: str | None = None,
    content: bytes | None = None,
    **fields: Any,
) -> PersonnelDocument:
    """File a document into a person's record (optionally with its scanned file)."""
    enterprise = tenancy_queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_INSTRUMENTS, enterprise)
    is_member = tenancy_queries.memberships(actor).filter(enterprise=enterprise, user_id=person_id)
    if not is_member.exists():
        raise InvalidInput(
            "metrology.person_not_member",
            "user {user} holds no role in {enterprise}",
            user=person_id,
            enterprise=enterprise.name_zh,
            field="person",
        )
    document = None
    if content is not None:
        document = calibration.store_document(
            actor,
            enterprise_id=enterprise.pk,
            filename=filename or "",
            content=content,
            kind=f"personnel_{fields.get('kind', '')}",
        )
    row = PersonnelDocument(
        enterprise=enterprise, person_id=person_id, issued_on=issued_on, document=document
    )
    return save_new(actor, row, fields, DOCUMENT_FIELDS)


@transaction.atomic
def update_personnel_document(actor: Actor, document_id: int, **changes: Any) -> PersonnelDocument:
    """Keep a record current: a renewed validity, a corrected number, title or score."""
    row = queries.personnel_document(actor, document_id)
    actor.require(Action.EDIT_INSTRUMENTS, row.enterprise)
    return save_changes(actor, row, changes, DOCUMENT_FIELDS - {"kind"} | {"issued_on"})


@transaction.atomic
def add_reviewer_qualification(
    actor: Actor, *, province_id: int, person_id: int, **fields: Any
) -> ReviewerQualification:
    """File a reviewer's qualification; the person must hold the reviewer role in the province."""
    actor.require(Action.MANAGE_PLATFORM)
    province = tenancy_queries.provinces(actor).filter(pk=province_id).first()
    is_reviewer = tenancy_queries.memberships(actor).filter(
        province_id=province_id, user_id=person_id, role="metrology_reviewer"
    )
    if province is None or not is_reviewer.exists():
        raise InvalidInput(
            "metrology.person_not_reviewer",
            "user {user} is no metrology reviewer of province {province}",
            user=person_id,
            province=province_id,
            field="person",
        )
    row = ReviewerQualification(province=province, person_id=person_id)
    return save_new(actor, row, fields, {"number", "issued_on", "valid_until"})


@transaction.atomic
def expire_reviewer_qualification(
    actor: Actor, qualification_id: int, *, on: date | None = None
) -> ReviewerQualification:
    """End a reviewer's qualification so it is no longer valid on ``on`` (default today).

    Its validity ends the day before (``valid_until`` is the last valid day, ADR 0191); the
    row stays as the record of what the reviewer held, audited as ``expire``. A qualification
    already expired by then, or issued on that day (it cannot end before it began), is refused.
    """
    actor.require(Action.MANAGE_PLATFORM)
    row = queries.reviewer_qualification(actor, qualification_id)
    on = on or timezone.localdate()
    last = on - timedelta(days=1)
    if row.valid_until <= last or last < row.issued_on:
        raise InvalidInput(
            "metrology.qualification_not_expirable",
            "qualification {number} is valid {issued_on} to {valid_until}; it cannot end "
            "before {on}",
            number=row.number,
            issued_on=row.issued_on.isoformat(),
            valid_until=row.valid_until.isoformat(),
            on=on.isoformat(),
            field="valid_until",
        )
    return save_changes(actor, row, {"valid_until": last}, {"valid_until"}, action="expire")
