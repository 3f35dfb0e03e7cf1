"""Key lifecycle, pure: enrolment, rotation, revocation, validity at a time; enrolment codes.

Validity is judged at a **trusted time** — the platform's receive time that the log commits to
(:mod:`tanji.trust.entries`), not the time a device claims — so a stolen key cannot backdate
signatures to before its revocation. A key is valid on ``[enrolled_at − skew, revoked_at)``:
the clock-skew tolerance widens the start only (a terminal's clock may lag the platform's at
enrolment), never the end. Rotation is revocation of the old key at the rotation time (plus an
optional overlap) with ``rotated_to`` naming the successor. The Django models that persist these
records live in ``tanji.evidence``; this module decides.

Enrolment codes are one-time secrets handed to an installer: 100 random bits in Crockford
base32, stored only as their SHA-256 (a fast hash suffices for a high-entropy secret), with an
expiry; redeeming marks them used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tanji.trust.errors import EnrolmentError, SignatureError, TrustError
from tanji.trust.keys import PublicKey

__all__ = [
    "DEFAULT_SKEW",
    "EnrolmentCode",
    "KeyRecord",
    "code_digest",
    "issue_enrolment_code",
    "key_valid_at",
    "redeem_enrolment_code",
    "resolve_key",
    "revoke",
    "rotate",
]

#: Tolerated lag of a terminal clock behind the platform's (reliability.md §4: flag > 5 min).
DEFAULT_SKEW = timedelta(minutes=5)
CODE_BYTES = 15  # 120 bits → 24 base32 characters
_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@dataclass(frozen=True)
class KeyRecord:
    """A public key enrolled for an owner (a device, a lab, the platform) within a tenant."""

    key: PublicKey
    owner: str
    enrolled_at: datetime
    revoked_at: datetime | None = None
    rotated_to: str | None = None
    tenant: str | None = None

    def __post_init__(self) -> None:
        _aware(self.enrolled_at, "enrolled_at")
        if self.revoked_at is not None:
            _aware(self.revoked_at, "revoked_at")
            if self.revoked_at < self.enrolled_at:
                raise TrustError(
                    "trust.key_revoked_before_enrolment",
                    "key {key_id} cannot be revoked ({revoked}) before its enrolment ({enrolled})",
                    key_id=self.key.key_id,
                    revoked=self.revoked_at.isoformat(),
                    enrolled=self.enrolled_at.isoformat(),
                )


def key_valid_at(record: KeyRecord, when: datetime, *, skew: timedelta = DEFAULT_SKEW) -> bool:
    """Whether ``record``'s key may have signed at trusted time ``when``."""
    _aware(when, "when")
    if when < record.enrolled_at - skew:
        return False
    return record.revoked_at is None or when < record.revoked_at


def revoke(record: KeyRecord, at: datetime) -> KeyRecord:
    """The record revoked at ``at``; an earlier revocation stands (revocation is final)."""
    _aware(at, "at")
    if record.revoked_at is not None and record.revoked_at <= at:
        return record
    return replace(record, revoked_at=at)


def rotate(
    record: KeyRecord, new_key: PublicKey, at: datetime, *, overlap: timedelta = timedelta(0)
) -> tuple[KeyRecord, KeyRecord]:
    """Replace ``record``'s key by ``new_key`` at ``at``; the old key stays valid ``overlap`` more.

    Returns:
        The old record (revoked at ``at + overlap``, ``rotated_to`` the new key id) and the new.
    """
    if record.revoked_at is not None and record.revoked_at <= at:
        raise TrustError(
            "trust.key_already_revoked",
            "key {key_id} was revoked before the rotation",
            key_id=record.key.key_id,
        )
    old = replace(revoke(record, at + overlap), rotated_to=new_key.key_id)
    new = KeyRecord(new_key, record.owner, at, tenant=record.tenant)
    return old, new


def resolve_key(
    records: Iterable[KeyRecord],
    key_id: str,
    when: datetime,
    *,
    tenant: str | None = None,
    skew: timedelta = DEFAULT_SKEW,
) -> KeyRecord:
    """The record of ``key_id`` if it may sign for ``tenant`` at ``when``.

    Raises:
        SignatureError: ``trust.unknown_key``, ``trust.wrong_tenant``,
            ``trust.key_not_yet_valid`` or ``trust.key_revoked``.
    """
    record = next((r for r in records if r.key.key_id == key_id), None)
    if record is None:
        raise SignatureError("trust.unknown_key", "key {key_id} is not enrolled", key_id=key_id)
    if tenant is not None and record.tenant != tenant:
        raise SignatureError(
            "trust.wrong_tenant",
            "key {key_id} belongs to tenant {owner_tenant}, not {tenant}",
            key_id=key_id,
            owner_tenant=record.tenant,
            tenant=tenant,
        )
    if not key_valid_at(record, when, skew=skew):
        code = "trust.key_revoked" if record.revoked_at and when >= record.revoked_at else None
        raise SignatureError(
            code or "trust.key_not_yet_valid",
            "key {key_id} was not valid at {when} (enrolled {enrolled}, revoked {revoked})",
            key_id=key_id,
            when=when.isoformat(),
            enrolled=record.enrolled_at.isoformat(),
            revoked=record.revoked_at.isoformat() if record.revoked_at else "never",
        )
    return record


@dataclass(frozen=True)
class EnrolmentCode:
    """What is stored of an enrolment code: its digest, owner, expiry and use."""

    digest: str
    owner: str
    expires_at: datetime
    used_at: datetime | None = None


def code_digest(code: str) -> str:
    """SHA-256 hex of the normalised code: the lookup key at rest."""
    return hashlib.sha256(_normalise(code).encode("utf-8")).hexdigest()


def issue_enrolment_code(
    owner: str,
    now: datetime,
    ttl: timedelta,
    *,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> tuple[str, EnrolmentCode]:
    """A new code for ``owner`` valid for ``ttl``: (the code to hand over once, its record)."""
    _aware(now, "now")
    raw = base64.b32encode(random_bytes(CODE_BYTES)).decode("ascii").translate(_CROCKFORD)
    code = "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    return code, EnrolmentCode(code_digest(code), owner, now + ttl)


def redeem_enrolment_code(record: EnrolmentCode, presented: str, now: datetime) -> EnrolmentCode:
    """Check ``presented`` against ``record`` and return the record marked used.

    Raises:
        EnrolmentError: ``trust.enrolment_code_mismatch``, ``trust.enrolment_code_used`` or
            ``trust.enrolment_code_expired``.
    """
    _aware(now, "now")
    if not hmac.compare_digest(code_digest(presented), record.digest):
        raise EnrolmentError("trust.enrolment_code_mismatch", "the enrolment code does not match")
    if record.used_at is not None:
        raise EnrolmentError(
            "trust.enrolment_code_used",
            "the enrolment code was already used at {used}",
            used=record.used_at.isoformat(),
        )
    if now >= record.expires_at:
        raise EnrolmentError(
            "trust.enrolment_code_expired",
            "the enrolment code expired at {expires}",
            expires=record.expires_at.isoformat(),
        )
    return replace(record, used_at=now)


def _normalise(code: str) -> str:
    """Upper-case, drop separators and read the look-alikes I/L as 1 and O as 0 (Crockford)."""
    cleaned = "".join(c for c in code.upper() if c not in "- ")
    return cleaned.translate(str.maketrans("ILO", "110"))


def _aware(value: datetime, field: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise TrustError(
            "trust.naive_datetime",
            "{field} must be timezone-aware (got {value})",
            field=field,
            value=value.isoformat(),
        )
