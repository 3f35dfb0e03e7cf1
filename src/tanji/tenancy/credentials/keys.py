"""Personal signing keys: a user registers the public half of a key pair they hold (ADR 0231).

The private key never reaches the platform: ``tanji keys new`` makes the pair on the user's own
machine and prints the public key as SubjectPublicKeyInfo PEM, which is what registration takes.
A key is registered for one enterprise the user holds a role on, so records it signs are bound to
that tenant; every registration and revocation is an audit entry. Revoking keeps the row: what the
key signed before stays verifiable, nothing after is accepted.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tanji.errors import CodedError
from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.choices import ScopeChoices
from tanji.tenancy.credentials import queries
from tanji.tenancy.credentials.models import UserKey
from tanji.tenancy.validation import InvalidInput, get_visible
from tanji.trust.keys import load_public_key

__all__ = ["register_key", "revoke_key"]


def _member_enterprises(actor: Actor) -> set[int]:
    return {
        g.enterprise_id
        for g in actor.grants
        if g.scope == ScopeChoices.ENTERPRISE and g.enterprise_id is not None
    }


@transaction.atomic
def register_key(actor: Actor, *, enterprise_id: int, public_key_pem: str, label: str) -> UserKey:
    """Register the actor's public key for an enterprise they hold a role on (audited).

    Raises:
        InvalidInput: ``tenancy.key_needs_user``, ``tenancy.key_label``,
            ``tenancy.key_enterprise`` (no role there), ``tenancy.key_invalid`` (not a PEM
            public key of a known suite) or ``tenancy.key_registered`` (already registered).
    """
    if actor.user_id is None:
        raise InvalidInput("tenancy.key_needs_user", "only a signed-in user may register keys")
    if not label.strip():
        raise InvalidInput("tenancy.key_label", "a key needs a label", field="label")
    if enterprise_id not in _member_enterprises(actor):
        raise InvalidInput(
            "tenancy.key_enterprise",
            "you hold no role on enterprise {enterprise}",
            enterprise=enterprise_id,
            field="enterprise_id",
        )
    try:
        public = load_public_key(public_key_pem.strip().encode("ascii", "replace") + b"\n")
    except CodedError as error:
        raise InvalidInput(
            "tenancy.key_invalid",
            "not a public key of a known suite: {detail}",
            detail=str(error),
            field="public_key",
        ) from None
    if queries.user_key(public.key_id) is not None:
        raise InvalidInput(
            "tenancy.key_registered", "key {key_id} is already registered", key_id=public.key_id
        )
    key = UserKey(
        user_id=actor.user_id,
        enterprise_id=enterprise_id,
        label=label.strip()[:64],
        suite=public.suite,
        key_id=public.key_id,
        public_key_pem=public.to_pem().decode("ascii"),
        registered_at=timezone.now(),
    )
    key.save()
    record(actor, "register_key", key, None, snapshot(key))
    return key


@transaction.atomic
def revoke_key(actor: Actor, key_pk: int) -> UserKey:
    """Revoke one of the actor's own keys (audited; revoking twice keeps the first time)."""
    key: UserKey = get_visible(queries.user_keys(actor), key_pk, "signing key")
    if key.revoked_at is not None:
        return key
    before = snapshot(key)
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    record(actor, "revoke_key", key, before, snapshot(key))
    return key
