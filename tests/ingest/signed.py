"""Factories for lab records signed with a person's own key (ADR 0231)."""

from __future__ import annotations

import secrets
from typing import Any

from tanji.protocols.records import SIGNED_LAB_FORMAT, canonical
from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials import keys
from tanji.tenancy.credentials.models import UserKey
from tanji.tenancy.models import User
from tanji.trust.attestation import SIGNED_RECORD_TYPE
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey, generate_private_key


def lab_document(user: User, enterprise_id: int, line_id: int | None, **changes: Any) -> dict:
    """A signed lab record's members (one clinker CaO result), ``changes`` applied."""
    document = {
        "analysed_at": "2026-03-02T12:00:00.000Z",
        "analyst": user.username,
        "enterprise": enterprise_id,
        "format": SIGNED_LAB_FORMAT,
        "instrument_code": "XRF-1",
        "line": line_id,
        "material": "clinker",
        "method_standard": "GB/T 176-2017",
        "nonce": secrets.token_urlsafe(18),
        "notes": "",
        "results": [
            {"method_standard": "", "parameter": "cao", "u": 0.15, "unit": "%", "value": 65.1}
        ],
        "sample_id": "CK-0302",
        "sampled_at": "2026-03-02T08:00:00.000Z",
        "source": None,
        "submitted_by": user.username,
    }
    return document | changes


def signed(document: dict, key: PrivateKey, payload_type: str = SIGNED_RECORD_TYPE) -> bytes:
    """The DSSE envelope of the canonical record, signed by ``key``."""
    return encode_envelope(sign_envelope(payload_type, canonical(document), key))


def registered(
    user: User, enterprise_id: int, suite: str = "ed25519-sha256"
) -> tuple[PrivateKey, UserKey]:
    """A fresh key pair of ``user``, its public half registered for the enterprise."""
    private = generate_private_key(suite)
    row = keys.register_key(
        Actor.for_user(user),
        enterprise_id=enterprise_id,
        public_key_pem=private.public_key().to_pem().decode("ascii"),
        label=f"{suite} key",
    )
    return private, row
