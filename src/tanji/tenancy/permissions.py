"""The declarative permission table: role → allowed actions.

One table, read by :meth:`tanji.tenancy.actor.Actor.can`, so a reviewer can audit who may do what
on one screen (NetBox's object permissions, reduced to what the specification asks). Province
roles (regulator, metrology reviewer) and verifiers are read-only on enterprise data; a
metrology reviewer additionally decides metrology reviews.
"""

from __future__ import annotations

from enum import StrEnum

from tanji.tenancy.choices import RoleChoices


class Action(StrEnum):
    """Something a service may be asked to do."""

    VIEW = "view"
    VIEW_AUDIT = "view_audit"
    EXPORT_EVIDENCE = "export_evidence"
    MANAGE_PLATFORM = "manage_platform"
    EDIT_ENTERPRISE = "edit_enterprise"
    MANAGE_MEMBERS = "manage_members"
    EDIT_PLANT = "edit_plant"
    EDIT_TAGS = "edit_tags"
    EDIT_LAB = "edit_lab"
    EDIT_INSTRUMENTS = "edit_instruments"
    REVIEW_METROLOGY = "review_metrology"


_READ = frozenset({Action.VIEW})

PERMISSIONS: dict[str, frozenset[Action]] = {
    RoleChoices.PLATFORM_OPERATOR: frozenset(Action),
    RoleChoices.REGULATOR: _READ | {Action.VIEW_AUDIT, Action.EXPORT_EVIDENCE},
    RoleChoices.METROLOGY_REVIEWER: _READ | {Action.VIEW_AUDIT, Action.REVIEW_METROLOGY},
    RoleChoices.VERIFIER: _READ | {Action.EXPORT_EVIDENCE},
    RoleChoices.ENTERPRISE_ADMIN: _READ
    | {
        Action.VIEW_AUDIT,
        Action.EXPORT_EVIDENCE,
        Action.EDIT_ENTERPRISE,
        Action.MANAGE_MEMBERS,
        Action.EDIT_PLANT,
        Action.EDIT_TAGS,
        Action.EDIT_LAB,
        Action.EDIT_INSTRUMENTS,
    },
    RoleChoices.METERING_STAFF: _READ | {Action.EDIT_TAGS, Action.EDIT_INSTRUMENTS},
    RoleChoices.LAB_STAFF: _READ | {Action.EDIT_LAB},
    RoleChoices.VIEWER: _READ,
}


def role_allows(role: str, action: Action) -> bool:
    """Whether ``role`` may perform ``action`` (on an object its membership covers)."""
    return action in PERMISSIONS.get(role, frozenset())
