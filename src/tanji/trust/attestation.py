"""Session attestations: the platform's signed statement of who submitted a platform record.

Lab results and documents are entered by people, most of whom hold no key of their own. When a
signed-in user submits one, the platform signs (with its log key, DSSE, payload type
:data:`ATTESTATION_TYPE`) a statement naming the record, the user, their roles, how they
authenticated and a fingerprint of the session or API token — never the secret itself
(R4.2.1, R4.2.2; ADR 0210). The statement embeds the canonical record bytes, so the log leaf
(the envelope of the statement) commits to both, and ``tanji verify`` can read the record out of
it after checking the signature::

    {"auth_method": "password+totp", "credential": "session:3f1c…", "enterprise": 3,
     "format": "tanji-attestation/1", "record": "<base64 of the canonical record>",
     "record_sha256": "…", "roles": ["lab_staff"], "user": "lab1", "user_id": 7,
     "attested_at": "2026-03-01T08:00:00.000Z"}

``attested_at`` (when the platform signed, UTC) is present in statements written since
uploaded documents were attested too (ADR 0230); older statements without it stay valid.
The embedded record is a lab or review record or a document record (``tanji-document/1``).

The trust level of such a record is ``session_attested``: above ``unsigned`` (a named,
authenticated person, bound by the platform's signature) and below ``signed`` (the platform,
not the person, holds the key: a dishonest platform could attest anything).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tanji.trust.errors import TrustError

__all__ = [
    "ATTESTATION_FORMAT",
    "ATTESTATION_TYPE",
    "AUTH_METHODS",
    "SIGNED_RECORD_TYPE",
    "Attestation",
    "AttestationError",
    "attestation_statement",
    "parse_attestation",
]

ATTESTATION_FORMAT = "tanji-attestation/1"
#: DSSE payload type of an attestation statement.
ATTESTATION_TYPE = "application/vnd.tanji.attestation+json"
#: DSSE payload type of a platform record signed by the submitting person's own key.
SIGNED_RECORD_TYPE = "application/vnd.tanji.record+json"
#: How the submitter authenticated: a browser session with or without TOTP, an API token, or
#: an operator's command on the platform host (demo builder, imports run by an operator).
AUTH_METHODS = frozenset({"password", "password+totp", "api_token", "platform_command"})
_KEYS = frozenset(
    {"auth_method", "credential", "enterprise", "format", "record", "record_sha256", "roles",
     "user", "user_id"}
)  # fmt: skip
_TIMED_KEYS = _KEYS | {"attested_at"}


class AttestationError(TrustError):
    """Bytes that are not exactly a canonical attestation statement."""


@dataclass(frozen=True)
class Attestation:
    """Who submitted a record, as the platform attests it."""

    user: str
    user_id: int | None
    roles: tuple[str, ...]
    auth_method: str
    credential: str
    enterprise: int
    record: bytes
    attested_at: str | None = None

    def describe(self) -> str:
        """One line for reports: user, roles, authentication and credential fingerprint."""
        roles = ",".join(self.roles) or "no role"
        said = f"user {self.user} ({roles}) by {self.auth_method}, {self.credential}"
        return said if self.attested_at is None else f"{said} at {self.attested_at}"


def attestation_statement(attestation: Attestation) -> bytes:
    """The canonical statement bytes (JSON, keys sorted, no whitespace).

    The record's own format is the caller's to check (the trust package does not read
    platform records; the figure recomputation does).

    Raises:
        AttestationError: ``attestation.bad_method`` for an unknown authentication method.
    """
    _check_method(attestation.auth_method)
    document = {
        "auth_method": attestation.auth_method,
        "credential": attestation.credential,
        "enterprise": attestation.enterprise,
        "format": ATTESTATION_FORMAT,
        "record": base64.b64encode(attestation.record).decode("ascii"),
        "record_sha256": hashlib.sha256(attestation.record).hexdigest(),
        "roles": sorted(attestation.roles),
        "user": attestation.user,
        "user_id": attestation.user_id,
    }
    if attestation.attested_at is not None:
        document["attested_at"] = attestation.attested_at
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_attestation(statement: bytes) -> Attestation:
    """Read a statement strictly: canonical bytes, the documented members, a matching digest.

    Raises:
        AttestationError: ``attestation.bad_statement`` (not JSON or other members),
            ``attestation.record_digest`` (the embedded record does not match its digest),
            or ``attestation.not_canonical``.
    """
    try:
        document = json.loads(statement.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AttestationError(
            "attestation.bad_statement", "not an attestation: {error}", error=str(exc)
        ) from None
    if not isinstance(document, dict) or set(document) not in (_KEYS, _TIMED_KEYS):
        raise AttestationError(
            "attestation.bad_statement",
            "attestation members differ from the documented ones {members}",
            members=sorted(_KEYS),
        )
    attestation = _from_document(document)
    if hashlib.sha256(attestation.record).hexdigest() != document["record_sha256"]:
        raise AttestationError(
            "attestation.record_digest", "the embedded record does not match record_sha256"
        )
    if attestation_statement(attestation) != statement:
        raise AttestationError("attestation.not_canonical", "attestation is not canonical")
    return attestation


def _from_document(document: Mapping[str, Any]) -> Attestation:
    try:
        record = base64.b64decode(str(document["record"]), validate=True)
        return Attestation(
            user=str(document["user"]),
            user_id=None if document["user_id"] is None else int(document["user_id"]),
            roles=tuple(str(r) for r in document["roles"]),
            auth_method=str(document["auth_method"]),
            credential=str(document["credential"]),
            enterprise=int(document["enterprise"]),
            record=record,
            attested_at=None if "attested_at" not in document else str(document["attested_at"]),
        )
    except (binascii.Error, TypeError, ValueError):
        raise AttestationError(
            "attestation.bad_statement", "attestation member types are not the documented ones"
        ) from None


def _check_method(method: str) -> None:
    if method not in AUTH_METHODS:
        raise AttestationError(
            "attestation.bad_method",
            "authentication method {method!r} is not one of {known}",
            method=method,
            known=sorted(AUTH_METHODS),
        )
