"""Writes of personnel records (R7.1.5): appointment, training, exam, qualification documents.

A document belongs to a person holding a membership of the enterprise; its file, if any, goes
through the same screening as certificates. Expiry is computed by :mod:`signing`, not stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from tanji.metrology import calibration
from tanji.metrology.models import PersonnelDocument
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput
from tanji.tenancy.writes import save_new

__all__ = ["add_personnel_document"]

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
