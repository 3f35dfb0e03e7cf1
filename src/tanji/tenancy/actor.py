"""The actor: who is asking, under which request, with which grants.

Built once per request (or CLI run) from the user's memberships and passed to every query and
service. Scoping is a Q object computed from the grants (:meth:`Actor.enterprise_q`), so a query
function cannot forget the tenant filter: it has no other way to start than from the actor.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

from tanji.errors import CodedError
from tanji.tenancy.choices import ROLE_SCOPE, YEAR_SCOPED_ROLES, RoleChoices, ScopeChoices
from tanji.tenancy.permissions import Action, role_allows

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tanji.tenancy.models import Enterprise, User


class AccessDenied(CodedError):
    """The actor's grants do not allow the action on this object."""


@dataclass(frozen=True)
class Grant:
    """One membership, reduced to what scoping needs."""

    role: str
    province_id: int | None = None
    enterprise_id: int | None = None
    year: int | None = None

    @property
    def scope(self) -> str:
        """Platform, province or enterprise (from the role)."""
        return ROLE_SCOPE[self.role]


def new_request_id() -> str:
    """A fresh request id for audit entries written outside a web request."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Actor:
    """Who acts, and on what they may act."""

    user_id: int | None
    username: str
    grants: tuple[Grant, ...]
    request_id: str = field(default_factory=new_request_id)

    @classmethod
    def for_user(cls, user: User, request_id: str | None = None) -> Actor:
        """The actor of a signed-in user, with grants read from their memberships."""
        grants = (
            tuple(
                Grant(m.role, m.province_id, m.enterprise_id, m.year)
                for m in user.memberships.all().order_by("id")
            )
            if user.is_active
            else ()
        )
        return cls(user.pk, user.username, grants, request_id or new_request_id())

    @classmethod
    def system(cls, request_id: str | None = None) -> Actor:
        """The platform itself (CLI, demo builder, jobs): an operator without a user."""
        grant = Grant(RoleChoices.PLATFORM_OPERATOR)
        return cls(None, "system", (grant,), request_id or new_request_id())

    @classmethod
    def for_request(cls, request: HttpRequest) -> Actor:
        """The actor of a web request: its user, and its ``X-Request-ID`` (or a fresh one)."""
        request_id = str(request.META.get("HTTP_X_REQUEST_ID", ""))[:64] or None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return cls(None, "anonymous", (), request_id or new_request_id())
        return cls.for_user(user, request_id)

    @property
    def is_platform(self) -> bool:
        """Whether a platform-wide grant (operator) covers everything."""
        return any(g.scope == ScopeChoices.PLATFORM for g in self.grants)

    def _grants_for(self, action: str) -> list[Grant]:
        return [g for g in self.grants if role_allows(g.role, Action(action))]

    def enterprise_q(self, path: str, action: str = Action.VIEW, dated_by: str | None = None) -> Q:
        """A filter selecting rows of enterprises on which the actor may perform ``action``.

        Args:
            path: lookup from the filtered model to its enterprise (``""``: it is the enterprise).
            action: the action the rows are needed for.
            dated_by: lookup of a date/datetime field; year-scoped grants (verifiers) then see
                only rows of their years. Without it they see the enterprise's undated rows.
        """
        enterprise_id = f"{path}_id" if path else "id"
        province_id = f"{path}__province_id" if path else "province_id"
        grants = self._grants_for(action)
        if any(g.scope == ScopeChoices.PLATFORM for g in grants):
            return Q()
        result = Q(pk__in=[])
        whole = {
            g.enterprise_id for g in grants if g.enterprise_id and g.role not in YEAR_SCOPED_ROLES
        }
        provinces = {g.province_id for g in grants if g.province_id is not None}
        if whole:
            result |= Q(**{f"{enterprise_id}__in": sorted(whole)})
        if provinces:
            result |= Q(**{f"{province_id}__in": sorted(provinces)})
        for g in grants:
            if g.role in YEAR_SCOPED_ROLES and g.enterprise_id:
                dated = Q(**{f"{dated_by}__year": g.year}) if dated_by else Q()
                result |= Q(**{enterprise_id: g.enterprise_id}) & dated
        return result

    def can(self, action: Action, enterprise: Enterprise | None = None) -> bool:
        """Whether the actor may perform ``action`` on ``enterprise`` (None: platform-wide)."""
        for grant in self._grants_for(action):
            if grant.scope == ScopeChoices.PLATFORM:
                return True
            if enterprise is None:
                continue
            if grant.province_id is not None and grant.province_id == enterprise.province_id:
                return True
            if grant.enterprise_id is not None and grant.enterprise_id == enterprise.pk:
                return True
        return False

    def require(self, action: Action, enterprise: Enterprise | None = None) -> None:
        """Raise :class:`AccessDenied` unless :meth:`can` allows the action."""
        if not self.can(action, enterprise):
            raise AccessDenied(
                "tenancy.access_denied",
                "{username} may not {action} on {target}",
                username=self.username,
                action=str(action),
                target=str(enterprise) if enterprise is not None else "the platform",
            )
