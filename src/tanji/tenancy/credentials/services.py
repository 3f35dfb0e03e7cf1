"""Sign-in security services: lockout, API tokens and TOTP second factor.

Lockout (OWASP ASVS 2.2.1): after ``LOCKOUT_THRESHOLD`` failures inside ``LOCKOUT_WINDOW`` for a
username *or* from a client address, further attempts are refused until the window has passed;
the lock is audited. API tokens are random secrets shown once; only their SHA-256 digest is kept
(a token is high-entropy, so a slow hash adds nothing). TOTP follows RFC 6238 (30 s steps, six
digits, one step of drift either way, a step never accepted twice).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import pyotp
from django.db import transaction
from django.utils import timezone

from tanji.tenancy.actor import Actor
from tanji.tenancy.audit import record, snapshot
from tanji.tenancy.credentials import queries
from tanji.tenancy.credentials.models import ApiToken, SignInFailure, TotpDevice
from tanji.tenancy.models import User
from tanji.tenancy.validation import InvalidInput, get_visible

__all__ = [
    "begin_totp",
    "clear_failures",
    "confirm_totp",
    "disable_totp",
    "is_locked_out",
    "issue_token",
    "record_failure",
    "revoke_token",
    "totp_enabled",
    "user_for_token",
    "verify_totp",
]

LOCKOUT_THRESHOLD = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
TOKEN_PREFIX_LENGTH = 8
TOTP_ISSUER = "tanji"


def is_locked_out(username: str, client_ip: str) -> bool:
    """Whether sign-in is refused for this username or this address right now."""
    by_user, by_ip = queries.recent_failures(username.lower(), client_ip, LOCKOUT_WINDOW)
    return by_user >= LOCKOUT_THRESHOLD or by_ip >= LOCKOUT_THRESHOLD


@transaction.atomic
def record_failure(username: str, client_ip: str) -> bool:
    """Count a failed sign-in; returns whether it locked the username or address (audited)."""
    failure = SignInFailure(username=username.lower(), client_ip=client_ip)
    failure.save()
    locked = is_locked_out(username, client_ip)
    if locked:
        actor = Actor(None, username[:150] or "anonymous", ())
        record(actor, "lockout", failure, None, snapshot(failure))
    return locked


def clear_failures(username: str) -> None:
    """Forget a username's failures after a successful sign-in (the address keeps its count)."""
    queries.failures_of(username.lower()).delete()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create an API token for the actor's own account; the secret is returned only here."""
    if actor.user_id is None:
        raise InvalidInput("tenancy.token_needs_user", "only a signed-in user may hold tokens")
    if not name.strip():
        raise InvalidInput("tenancy.token_name", "a token needs a name")
    secret = "tj_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.user_id,
        name=name.strip()[:64],
        prefix=secret[:TOKEN_PREFIX_LENGTH],
        digest=_digest(secret),
    )
    token.save()
    record(actor, "issue_token", token, None, snapshot(token))
    return token, secret


@transaction.atomic
def revoke_token(actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens."""
    token: ApiToken = get_visible(queries.tokens(actor), token_id, "API token")
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor, "revoke_token", token, before, snapshot(token))
    return token


def user_for_token(secret: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, inactive)."""
    token = queries.live_token(_digest(secret))
    if token is None:
        return None
    token.last_used_at = timezone.now()
    token.save(update_fields=["last_used_at"])
    return token.user


def totp_enabled(user: User) -> bool:
    """Whether the user's sign-in needs a TOTP code."""
    return queries.device(user.pk, confirmed=True) is not None


@transaction.atomic
def begin_totp(actor: Actor) -> str:
    """Start (or restart) enrolment; returns the otpauth URI to show as text or QR code."""
    user = queries.own_user(actor)
    device = queries.device(user.pk) or TotpDevice(user=user)
    if device.confirmed:
        raise InvalidInput("tenancy.totp_already_enabled", "TOTP is already enabled")
    device.secret = pyotp.random_base32()
    device.save()
    return str(
        pyotp.TOTP(device.secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)
    )


def _accept(device: TotpDevice, code: str) -> bool:
    """RFC 6238 check with ±1 step; a step already used is refused (no replay)."""
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    for drift in (-1, 0, 1):
        at = now + timedelta(seconds=30 * drift)
        step = int(at.timestamp()) // 30
        if step > device.last_step and secrets.compare_digest(totp.at(at), code.strip()):
            device.last_step = step
            device.save(update_fields=["last_step"])
            return True
    return False


@transaction.atomic
def confirm_totp(actor: Actor, code: str) -> None:
    """Finish enrolment with a first valid code (audited)."""
    device = queries.device(actor.user_id)
    if device is None or device.confirmed or not _accept(device, code):
        raise InvalidInput("tenancy.totp_invalid", "the TOTP code is not valid")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor, "enable_totp", device, None, snapshot(device))


@transaction.atomic
def disable_totp(actor: Actor, code: str) -> None:
    """Turn the second factor off; needs a current code (audited)."""
    device = queries.device(actor.user_id, confirmed=True)
    if device is None or not _accept(device, code):
        raise InvalidInput("tenancy.totp_invalid", "the TOTP code is not valid")
    record(actor, "disable_totp", device, snapshot(device), None)
    device.delete()


def verify_totp(user: User, code: str) -> bool:
    """Check a sign-in code of a user with TOTP enabled."""
    device = queries.device(user.pk, confirmed=True)
    return device is not None and _accept(device, code)
