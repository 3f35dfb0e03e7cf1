"""API of the tenancy context: the caller, enterprises, users."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import ModelSchema, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tanji.tenancy import queries, services
from tanji.tenancy.models import AuditEntry, Enterprise, User
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, api_requires

router = Router(tags=["tenancy"])


class GrantOut(Schema):
    """One role of the caller."""

    role: str
    province_id: int | None
    enterprise_id: int | None
    year: int | None


class MeOut(Schema):
    """The caller and its grants."""

    username: str
    grants: list[GrantOut]


class EnterpriseOut(ModelSchema):
    """An enterprise (tenant)."""

    class Meta:
        model = Enterprise
        fields = ["id", "name_zh", "name_en", "credit_code", "city", "address", "province"]


class EnterpriseUpdate(Schema):
    """Editable enterprise fields (absent: unchanged)."""

    name_zh: str | None = None
    name_en: str | None = None
    address: str | None = None
    city: str | None = None
    credit_code: str | None = None


class UserOut(ModelSchema):
    """A user account (no credentials)."""

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "is_active"]


@router.get("/me", response=MeOut)
@api_requires(Action.VIEW)
def me(request: HttpRequest) -> dict[str, Any]:
    """Who the caller is and what it is granted."""
    actor = actor_of(request)
    return {"username": actor.username, "grants": [vars(g) for g in actor.grants]}


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_enterprises(request: HttpRequest, city: str | None = None) -> QuerySet[Enterprise]:
    """Enterprises the caller sees, optionally of one city (GB/T 2260 code)."""
    rows = queries.enterprises(actor_of(request))
    return rows.filter(city=city) if city else rows


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
@api_requires(Action.VIEW)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    """One enterprise (404 when not visible)."""
    return queries.enterprise(actor_of(request), enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut)
@api_requires(Action.EDIT_ENTERPRISE)
def update_enterprise(
    request: HttpRequest, enterprise_id: int, payload: EnterpriseUpdate
) -> Enterprise:
    """Change an enterprise's names, address, city or credit code."""
    changes = payload.dict(exclude_none=True)
    return services.update_enterprise(actor_of(request), enterprise_id, **changes)


@router.get("/users", response=list[UserOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_users(request: HttpRequest) -> QuerySet[User]:
    """The caller and the members of enterprises it sees."""
    return queries.users(actor_of(request)).order_by("username")


@router.get("/users/{user_id}", response=UserOut)
@api_requires(Action.VIEW)
def get_user(request: HttpRequest, user_id: int) -> User:
    """One visible user."""
    return queries.user(actor_of(request), user_id)


class AuditEntryOut(ModelSchema):
    """One audit entry: who changed what, when, under which request, before and after."""

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "username",
            "request_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "enterprise",
            "before",
            "after",
        ]


@router.get("/audit", response=list[AuditEntryOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW_AUDIT)
def list_audit_entries(
    request: HttpRequest, object_type: str | None = None, action: str | None = None
) -> QuerySet[AuditEntry]:
    """The audit trail the caller may view, newest first (filter by object type or action)."""
    rows = queries.audit_entries(actor_of(request))
    if object_type:
        rows = rows.filter(object_type=object_type)
    return rows.filter(action=action) if action else rows
