"""API of the caller's own account: personal signing keys (ADR 0231).

A key is the public half of a pair the user made with ``tanji keys new``; the private key never
reaches the platform. Only the caller's own keys are listed or revoked; every change is audited.
"""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import ModelSchema, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tanji.tenancy.credentials import keys, queries
from tanji.tenancy.credentials.models import UserKey
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, api_requires

router = Router(tags=["account"])


class UserKeyOut(ModelSchema):
    """A registered personal key (its public half only)."""

    class Meta:
        model = UserKey
        fields = [
            "id",
            "enterprise",
            "label",
            "suite",
            "key_id",
            "public_key_pem",
            "registered_at",
            "revoked_at",
        ]


class UserKeyCreate(Schema):
    """What ``tanji keys new`` prints: the public key PEM, for one enterprise of the user."""

    enterprise_id: int
    label: str
    public_key: str


class UserKeyRevokeOut(Schema):
    """The revoked key and when."""

    id: int
    key_id: str
    revoked_at: datetime


@router.get("/keys", response=list[UserKeyOut])
@paginate(LimitOffsetPagination)
@api_requires(Action.VIEW)
def list_keys(request: HttpRequest) -> QuerySet[UserKey]:
    """The caller's own keys, newest first (revoked ones included)."""
    return queries.user_keys(actor_of(request))


@router.post("/keys", response={201: UserKeyOut})
@api_requires(Action.VIEW)
def register_key(request: HttpRequest, payload: UserKeyCreate) -> Status[Any]:
    """Register a public key (Ed25519 or SM2, SubjectPublicKeyInfo PEM) for an enterprise."""
    key = keys.register_key(
        actor_of(request),
        enterprise_id=payload.enterprise_id,
        public_key_pem=payload.public_key,
        label=payload.label,
    )
    return Status(201, key)


@router.post("/keys/{key_pk}/revoke", response=UserKeyRevokeOut)
@api_requires(Action.VIEW)
def revoke_key(request: HttpRequest, key_pk: int) -> UserKey:
    """Revoke one of the caller's keys: nothing signed with it is accepted any more."""
    return keys.revoke_key(actor_of(request), key_pk)
