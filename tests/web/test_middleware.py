"""Lab results submitted over the web are attested for the signed-in user (ADR 0210).

The attestation names how the user authenticated — session with or without TOTP, API token —
and a fingerprint of the session key or token, never the secret itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client

from tanji.evidence import signing
from tanji.evidence.attestation import open_attestation
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.models import RawEnvelope
from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials import services as credentials
from tanji.tenancy.credentials.models import TotpDevice
from tanji.trust.attestation import Attestation
from tanji.trust.keys import PrivateKey
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db


def _post(client: Client, world: WebWorld, **headers: str) -> Attestation:
    payload: dict[str, Any] = {
        "enterprise_id": world.tenants["A"].enterprise.pk,
        "sample_id": "C-1",
        "material": "clinker",
        "sampled_at": "2025-03-01T08:00:00+08:00",
        "analysed_at": "2025-03-01T12:00:00+08:00",
        "method_standard": "GB/T 176",
        "results": [{"parameter": "cao", "value": 65.2, "unit": "%"}],
    }
    reply = client.post(
        "/api/v1/plant/lab-analyses", payload, content_type="application/json", headers=headers
    )
    assert reply.status_code == 201, reply.content
    row = RawEnvelope.objects.get(channel=ChannelChoices.RECORD)
    assert row.trust_level == TrustLevelChoices.SESSION_ATTESTED
    return open_attestation(bytes(row.body), signing.platform_key().public_key())


def test_a_session_submission_is_attested_with_the_session_fingerprint(
    client: Client, web_world: WebWorld, platform: PrivateKey
) -> None:
    user = web_world.users["lab_staff"]
    signed_in(client, user)
    attestation = _post(client, web_world)
    session_key = client.session.session_key
    assert (attestation.user, attestation.user_id) == (user.username, user.pk)
    assert attestation.roles == ("lab_staff",)
    assert attestation.auth_method == "password"
    expected = hashlib.sha256(session_key.encode()).hexdigest()[:16]
    assert attestation.credential == f"session:{expected}"
    assert session_key not in attestation.credential


def test_a_user_with_totp_is_attested_as_such(
    client: Client, web_world: WebWorld, platform: PrivateKey
) -> None:
    user = web_world.users["lab_staff"]
    TotpDevice.objects.create(user=user, secret="JBSWY3DPEHPK3PXP", confirmed=True)
    signed_in(client, user)
    assert _post(client, web_world).auth_method == "password+totp"


def test_a_token_submission_names_the_token_not_its_secret(
    web_world: WebWorld, platform: PrivateKey
) -> None:
    user = web_world.users["lab_staff"]
    token, secret = credentials.issue_token(Actor.for_user(user), "lims")
    attestation = _post(Client(), web_world, Authorization=f"Bearer {secret}")
    assert attestation.auth_method == "api_token"
    assert attestation.credential == f"token:{token.digest[:16]}"
    assert secret not in attestation.credential
