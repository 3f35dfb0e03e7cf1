"""Reads of sign-in security records; a user's credentials are read only for that user."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials.models import ApiToken, SignInFailure, TotpDevice, UserKey
from tanji.tenancy.models import User

__all__ = [
    "device",
    "failures_of",
    "live_token",
    "own_user",
    "recent_failures",
    "tokens",
    "user_key",
    "user_keys",
]


def recent_failures(username: str, client_ip: str, window: timedelta) -> tuple[int, int]:
    """Failures inside ``window`` for the username and for the client address."""
    recent = SignInFailure.objects.filter(at__gte=timezone.now() - window)
    return (
        recent.filter(username=username).count(),
        recent.filter(client_ip=client_ip).count(),
    )


def failures_of(username: str) -> QuerySet[SignInFailure]:
    """Every recorded failure of a username."""
    return SignInFailure.objects.filter(username=username)


def tokens(actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens (nobody lists another user's credentials)."""
    if actor.user_id is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=actor.user_id)


def live_token(digest: str) -> ApiToken | None:
    """The unrevoked token of an active user with this digest."""
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def device(user_id: int | None, *, confirmed: bool | None = None) -> TotpDevice | None:
    """A user's TOTP device (``confirmed``: only one in that state)."""
    if user_id is None:
        return None
    result = TotpDevice.objects.filter(user_id=user_id)
    if confirmed is not None:
        result = result.filter(confirmed=confirmed)
    return result.first()


def own_user(actor: Actor) -> User:
    """The actor's own account."""
    return User.objects.get(pk=actor.user_id or 0)


def user_keys(actor: Actor) -> QuerySet[UserKey]:
    """The actor's own signing keys, newest first (nobody lists another user's credentials)."""
    if actor.user_id is None:
        return UserKey.objects.none()
    return UserKey.objects.filter(user_id=actor.user_id).select_related("enterprise")


def user_key(key_id: str) -> UserKey | None:
    """The registered signing key (of any user, revoked or not) with this key id."""
    return UserKey.objects.select_related("user", "enterprise").filter(key_id=key_id).first()
