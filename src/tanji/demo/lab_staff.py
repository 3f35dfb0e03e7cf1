"""Who enters the demo's lab analyses: the enterprise's lab user, not the platform itself.

A lab record is attested by the platform for the user who submitted it (ADR 0210); the demo's
simulated analyses are therefore entered in the name of the enterprise's ``lab`` login (role
lab staff), so that figures and bundles built from them name a person, as real ones do.
"""

from __future__ import annotations

from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices

__all__ = ["lab_staff"]


def lab_staff(fallback: Actor, enterprise_id: int) -> Actor:
    """The enterprise's first lab user (as ``fallback`` sees them), else ``fallback``."""
    membership = (
        tenancy_queries.memberships(fallback)
        .filter(enterprise_id=enterprise_id, role=RoleChoices.LAB_STAFF)
        .order_by("pk")
        .first()
    )
    return Actor.for_user(membership.user) if membership else fallback
