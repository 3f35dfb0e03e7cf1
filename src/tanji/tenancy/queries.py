"""Tenant-scoped reads of the tenancy app; every function starts from the actor.

Detail functions raise :class:`~tanji.tenancy.validation.NotFound` for objects outside the
actor's scope exactly as for objects that do not exist, so ids cannot be probed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import ScopeChoices
from tanji.tenancy.models import AuditEntry, Enterprise, Membership, Province, User
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import get_visible

__all__ = [
    "audit_entries",
    "enterprise",
    "enterprises",
    "memberships",
    "provinces",
    "user",
    "users",
]


def enterprises(actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises the actor may see (own, province's, granted or all for the operator)."""
    return Enterprise.objects.visible_to(actor).select_related("province")


def enterprise(actor: Actor, enterprise_id: int) -> Enterprise:
    """One visible enterprise."""
    return get_visible(enterprises(actor), enterprise_id, "enterprise")  # type: ignore[no-any-return]


def provinces(actor: Actor) -> QuerySet[Province]:
    """Provinces of the actor's grants or of the enterprises it sees."""
    if actor.is_platform:
        return Province.objects.all()
    ids = {g.province_id for g in actor.grants if g.scope == ScopeChoices.PROVINCE}
    visible = enterprises(actor).values("province_id")
    return Province.objects.filter(Q(id__in=sorted(ids)) | Q(id__in=visible)).distinct()


def memberships(actor: Actor) -> QuerySet[Membership]:
    """Memberships on enterprises the actor sees (province/platform grants: operator only)."""
    return Membership.objects.visible_to(actor).select_related("user", "enterprise", "province")


def users(actor: Actor) -> QuerySet[User]:
    """The actor itself and the members of enterprises it sees."""
    if actor.is_platform:
        return User.objects.all()
    member_ids = memberships(actor).values("user_id")
    return User.objects.filter(Q(id__in=member_ids) | Q(id=actor.user_id)).distinct()


def user(actor: Actor, user_id: int) -> User:
    """One visible user (the actor itself or a member of a visible enterprise)."""
    return get_visible(users(actor), user_id, "user")  # type: ignore[no-any-return]


def audit_entries(actor: Actor) -> QuerySet[AuditEntry]:
    """Audit entries of enterprises on which the actor may view the audit trail."""
    return AuditEntry.objects.visible_to(actor, Action.VIEW_AUDIT)
