"""Writes of the tenancy app: provinces, enterprises, users, memberships.

Each function takes the actor first, checks the permission table, validates into a
:class:`~tanji.errors.CodedError`, writes in one transaction and appends an audit entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db import transaction

from tanji.tenancy import queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.choices import ROLE_SCOPE, RoleChoices, ScopeChoices
from tanji.tenancy.models import Enterprise, Membership, Province, User
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import InvalidInput, apply_changes, clean_or_raise, get_visible
from tanji.tenancy.writes import save_changes

__all__ = [
    "create_enterprise",
    "create_member",
    "create_province",
    "create_user",
    "grant_membership",
    "revoke_membership",
    "set_password",
    "update_enterprise",
    "update_user",
]

ENTERPRISE_EDITABLE = frozenset({"name_zh", "name_en", "address", "city", "credit_code"})


@transaction.atomic
def create_province(actor: Actor, *, code: str, name_zh: str, name_en: str = "") -> Province:
    """Create a province (platform operators only)."""
    actor.require(Action.MANAGE_PLATFORM)
    province = Province(code=code, name_zh=name_zh, name_en=name_en)
    clean_or_raise(province)
    province.save()
    record(actor, "create", province, None, snapshot(province))
    return province


@transaction.atomic
def create_enterprise(actor: Actor, *, province_id: int, **fields: Any) -> Enterprise:
    """Create an enterprise (tenant) in a province (platform operators only)."""
    actor.require(Action.MANAGE_PLATFORM)
    province = get_visible(queries.provinces(actor), province_id, "province")
    enterprise = Enterprise(province=province)
    apply_changes(enterprise, fields, ENTERPRISE_EDITABLE)
    clean_or_raise(enterprise)
    enterprise.save()
    record(actor, "create", enterprise, None, snapshot(enterprise))
    return enterprise


@transaction.atomic
def update_enterprise(actor: Actor, enterprise_id: int, **changes: Any) -> Enterprise:
    """Change an enterprise's names, address, city or credit code."""
    enterprise = queries.enterprise(actor, enterprise_id)
    actor.require(Action.EDIT_ENTERPRISE, enterprise)
    before = snapshot(enterprise)
    apply_changes(enterprise, changes, ENTERPRISE_EDITABLE)
    clean_or_raise(enterprise)
    enterprise.save()
    record(actor, "update", enterprise, before, snapshot(enterprise))
    return enterprise


@transaction.atomic
def create_user(
    actor: Actor,
    *,
    username: str,
    password: str,
    email: str = "",
    display_name: str = "",
    password_hash: str | None = None,
) -> User:
    """Create a sign-in account (platform operators; enterprise admins use create_member).

    ``password_hash`` is ``make_password(password)`` computed beforehand, so a caller creating
    many accounts can hash them concurrently with other work (the demo: Argon2 costs ~0.2–0.5 s
    per account). It must come from the preferred hasher at its current parameters; anything
    else (another algorithm, weaker parameters, a hash that would be upgraded at the next
    sign-in) is refused, so nothing weaker than the configured hashing can be stored this way.
    """
    actor.require(Action.MANAGE_PLATFORM)
    return _new_user(actor, username, password, email, display_name, password_hash)


@transaction.atomic
def create_member(
    actor: Actor,
    *,
    enterprise_id: int,
    username: str,
    password: str,
    role: str,
    email: str = "",
    display_name: str = "",
) -> Membership:
    """Create an account and grant it an enterprise role in one step (enterprise admins)."""
    enterprise = queries.enterprise(actor, enterprise_id)
    actor.require(Action.MANAGE_MEMBERS, enterprise)
    user = _new_user(actor, username, password, email, display_name)
    return _grant(actor, user, role, None, enterprise, None)


MIN_PASSWORD_LENGTH = 12


def _check_password(username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "tenancy.password_too_short",
            "password of {username!r} has {length} characters, at least {minimum} are required",
            username=username,
            length=len(password),
            minimum=MIN_PASSWORD_LENGTH,
        )


def _new_user(
    actor: Actor, username: str, password: str, email: str, name: str, encoded: str | None = None
) -> User:
    _check_password(username, password)
    user = User(username=username, email=email, display_name=name)
    if encoded is None:
        user.set_password(password)
    else:
        _check_hash(username, encoded)
        user.password = encoded
    clean_or_raise(user)
    user.save()
    record(actor, "create", user, None, snapshot(user))
    return user


def _check_hash(username: str, encoded: str) -> None:
    """Refuse a precomputed hash that is not of the preferred hasher at current parameters."""
    preferred = get_hasher("default")
    try:
        usable = identify_hasher(encoded).algorithm == preferred.algorithm
    except ValueError:
        usable = False
    if not usable or preferred.must_update(encoded):
        raise InvalidInput(
            "tenancy.weak_password_hash",
            "the password hash given for {username!r} is not of the {algorithm} hasher at its "
            "current parameters",
            username=username,
            algorithm=preferred.algorithm,
        )


@transaction.atomic
def grant_membership(
    actor: Actor,
    *,
    user_id: int,
    role: str,
    province_id: int | None = None,
    enterprise_id: int | None = None,
    year: int | None = None,
) -> Membership:
    """Grant ``role`` to a user on the scope the role requires (see ``ROLE_SCOPE``).

    Platform and province roles need a platform operator; enterprise roles (verifier included)
    need the right to manage that enterprise's members.
    """
    if role not in ROLE_SCOPE:
        raise InvalidInput(
            "tenancy.unknown_role",
            "unknown role {role!r}",
            role=role,
        )
    enterprise = queries.enterprise(actor, enterprise_id) if enterprise_id is not None else None
    province = (
        get_visible(queries.provinces(actor), province_id, "province")
        if province_id is not None
        else None
    )
    if ROLE_SCOPE[role] == ScopeChoices.ENTERPRISE and enterprise is not None:
        actor.require(Action.MANAGE_MEMBERS, enterprise)
    else:
        actor.require(Action.MANAGE_PLATFORM)
    user = queries.user(actor, user_id)
    return _grant(actor, user, role, province, enterprise, year)


def _grant(
    actor: Actor,
    user: User,
    role: str,
    province: Province | None,
    enterprise: Enterprise | None,
    year: int | None,
) -> Membership:
    _check_scope(role, province, enterprise, year)
    membership = Membership(
        user=user, role=role, province=province, enterprise=enterprise, year=year
    )
    clean_or_raise(membership)
    membership.save()
    record(actor, "grant", membership, None, snapshot(membership))
    return membership


def _check_scope(
    role: str, province: Province | None, enterprise: Enterprise | None, year: int | None
) -> None:
    scope = ROLE_SCOPE[role]
    wanted = {
        ScopeChoices.PLATFORM: province is None and enterprise is None,
        ScopeChoices.PROVINCE: province is not None and enterprise is None,
        ScopeChoices.ENTERPRISE: province is None and enterprise is not None,
    }[ScopeChoices(scope)]
    needs_year = role == RoleChoices.VERIFIER
    if not wanted or needs_year != (year is not None):
        raise InvalidInput(
            "tenancy.membership_scope",
            "role {role} is granted on a {scope}{year_rule}",
            role=role,
            scope=scope,
            year_rule=" and a reporting year" if needs_year else " without a year",
        )


@transaction.atomic
def revoke_membership(actor: Actor, membership_id: int) -> None:
    """Remove a grant (same rights as granting it)."""
    membership = get_visible(
        Membership.objects.visible_to(actor, Action.MANAGE_MEMBERS), membership_id, "membership"
    )
    before = snapshot(membership)
    record(actor, "revoke", membership, before, None)
    membership.delete()


USER_EDITABLE = frozenset({"display_name", "email", "is_active"})


@transaction.atomic
def update_user(actor: Actor, user_id: int, **changes: Any) -> User:
    """Change a user's display name, e-mail or active flag (deactivating removes all access)."""
    user = queries.user(actor, user_id)
    _require_user_admin(actor, user)
    return save_changes(actor, user, changes, USER_EDITABLE)


@transaction.atomic
def set_password(actor: Actor, user_id: int, password: str) -> User:
    """Set a new password: one's own, or as the user's administrator. Audited without the hash."""
    user = queries.user(actor, user_id)
    if user.pk != actor.user_id:
        _require_user_admin(actor, user)
    _check_password(user.username, password)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor, "set_password", user, None, None)
    return user


def _require_user_admin(actor: Actor, user: User) -> None:
    """Operators administer everyone; an enterprise admin only users wholly of its enterprises."""
    if actor.is_platform:
        return
    grants = list(user.memberships.select_related("enterprise"))
    if not grants or any(m.enterprise is None for m in grants):
        actor.require(Action.MANAGE_PLATFORM)
    for membership in grants:
        actor.require(Action.MANAGE_MEMBERS, membership.enterprise)
