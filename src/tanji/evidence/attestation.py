"""The platform attests who submitted a platform record: user, roles, authentication (ADR 0210).

The web layer knows how the request was authenticated (session with or without TOTP, API
token); the services that write lab rows do not, and should not. So the web layer states the
credential for the duration of a request with :func:`submitting` (a context variable), and
:func:`tanji.evidence.records.record_platform_record` asks :func:`current_credential` whether
there is one. If so, the logged envelope is a DSSE attestation signed with the platform key
(:mod:`tanji.trust.attestation`) and the record's trust level is ``session_attested``;
without one (a bare service call) the record stays ``unsigned`` as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from tanji.evidence.signing import platform_key
from tanji.protocols.documents import parse_document_record
from tanji.protocols.records import iso, parse_record, record_format
from tanji.tenancy.models import Membership, User
from tanji.trust.attestation import (
    ATTESTATION_TYPE,
    Attestation,
    AttestationError,
    attestation_statement,
    parse_attestation,
)
from tanji.trust.dsse import decode_envelope, encode_envelope, sign_envelope, verify_envelope
from tanji.trust.keys import PublicKey

__all__ = [
    "Credential",
    "attest",
    "current_credential",
    "fingerprint",
    "open_attestation",
    "submitting",
]


@dataclass(frozen=True)
class Credential:
    """How the submitter authenticated and a fingerprint of the credential (never the secret)."""

    auth_method: str
    credential: str


Resolver = Callable[[], Credential | None]
_current: ContextVar[Resolver | None] = ContextVar("tanji_submitting", default=None)


def fingerprint(kind: str, secret: str) -> str:
    """``kind:`` and 16 hex digits of SHA-256 over the secret: names it without revealing it."""
    return f"{kind}:{hashlib.sha256(secret.encode('utf-8')).hexdigest()[:16]}"


@contextmanager
def submitting(credential: Credential | Resolver) -> Iterator[None]:
    """Records appended inside the block are attested with ``credential``.

    A resolver (called when a record is appended) lets the web layer state the credential
    before the API's token authentication has run.
    """
    resolver = credential if callable(credential) else (lambda: credential)
    token = _current.set(resolver)
    try:
        yield
    finally:
        _current.reset(token)


def current_credential() -> Credential | None:
    """The credential of the submission in progress, or ``None``."""
    resolver = _current.get()
    return resolver() if resolver is not None else None


def attest(
    record: bytes,
    enterprise_id: int,
    user_id: int,
    credential: Credential,
    attested_at: datetime | None = None,
) -> bytes:
    """The DSSE envelope (JSON bytes) of the platform's attestation of ``record``.

    ``record`` is a lab or review record or a document record (ADR 0230); ``attested_at``
    (the receive time of the log entry) is stated in the signed statement.

    Raises:
        RecordFormatError: ``record`` is not a canonical platform record.
        DocumentRecordError: ``record`` looks like neither and is not a document record.
        AttestationError: the authentication method is unknown.
    """
    if record_format(record) is None:
        parse_document_record(record)
    else:
        parse_record(record)
    user = User.objects.get(pk=user_id)
    roles = Membership.objects.filter(user_id=user_id).filter(
        enterprise_id__in=[enterprise_id, None]
    )
    statement = attestation_statement(
        Attestation(
            user=user.username,
            user_id=user_id,
            roles=tuple(sorted({m.role for m in roles})),
            auth_method=credential.auth_method,
            credential=credential.credential,
            enterprise=enterprise_id,
            record=record,
            attested_at=None if attested_at is None else iso(attested_at),
        )
    )
    return encode_envelope(sign_envelope(ATTESTATION_TYPE, statement, platform_key()))


def open_attestation(body: bytes, key: PublicKey | None = None) -> Attestation:
    """The attestation an envelope carries, its signature checked when ``key`` is given.

    Raises:
        AttestationError: ``attestation.wrong_type`` for another payload type, or the
            statement's own format error; ``TrustError`` for a bad envelope or signature.
    """
    envelope = decode_envelope(body)
    if envelope.payload_type != ATTESTATION_TYPE:
        raise AttestationError(
            "attestation.wrong_type",
            "envelope of type {type!r} is not an attestation",
            type=envelope.payload_type,
        )
    if key is not None:
        verify_envelope(envelope, {key.key_id: key})
    return parse_attestation(envelope.payload)
