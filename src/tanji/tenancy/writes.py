"""The write step every service shares: validate, save, append the audit entry.

Services decide *whether* a change is allowed and *what* it is; these two functions make sure it
is always validated into a :class:`~tanji.errors.CodedError` and always audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.validation import apply_changes, clean_or_raise

M = TypeVar("M", bound=models.Model)


def save_new(
    actor: Actor,
    instance: M,
    fields: Mapping[str, Any] | None = None,
    editable: Iterable[str] = (),
    action: str = "create",
) -> M:
    """Set ``fields`` (only ``editable`` ones), validate and insert, with an audit entry."""
    if fields:
        apply_changes(instance, fields, editable)
    clean_or_raise(instance)
    instance.save()
    record(actor, action, instance, None, snapshot(instance))
    return instance


def save_changes(
    actor: Actor,
    instance: M,
    changes: Mapping[str, Any],
    editable: Iterable[str],
    action: str = "update",
) -> M:
    """Apply ``changes`` (only ``editable`` fields), validate, save, audit before/after."""
    before = snapshot(instance)
    apply_changes(instance, changes, editable)
    clean_or_raise(instance)
    instance.save()
    record(actor, action, instance, before, snapshot(instance))
    return instance
