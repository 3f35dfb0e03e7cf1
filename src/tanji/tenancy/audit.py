"""Writing audit entries: every service that changes data calls :func:`record`.

Snapshots hold the concrete field values (foreign keys as ids) and never a password hash, so
the trail can be shown to a verifier without leaking credentials.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tanji.tenancy.actor import Actor
from tanji.tenancy.models import AuditEntry

#: Field names never copied into an audit snapshot.
SECRET_FIELDS = frozenset({"password", "digest", "secret"})


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of ``instance``, keyed by attribute name (``site_id``)."""
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in SECRET_FIELDS
    }


def _enterprise_id(instance: models.Model) -> int | None:
    if instance._meta.label_lower == "tenancy.enterprise":
        return int(instance.pk)
    value = getattr(instance, "enterprise_id", None)
    return int(value) if value is not None else None


def record(
    actor: Actor,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """Append one audit entry for a change of ``instance`` made by ``actor``.

    Args:
        actor: who made the change (its request id groups entries of one request).
        action: ``create``, ``update``, ``delete`` or a domain verb (``retire``, ``link_tag``).
        instance: the changed object (after the change; for deletes, before it).
        before: snapshot before the change (None for creation).
        after: snapshot after the change (None for deletion).
    """
    return AuditEntry.objects.create(
        user_id=actor.user_id,
        username=actor.username,
        request_id=actor.request_id,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        enterprise_id=_enterprise_id(instance),
        before=before,
        after=after,
    )
