"""Records appended while a credential is stated are attested; otherwise they stay unsigned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tanji.evidence import signing
from tanji.evidence.attestation import (
    Credential,
    current_credential,
    fingerprint,
    open_attestation,
    submitting,
)
from tanji.evidence.choices import TrustLevelChoices
from tanji.evidence.models import RawEnvelope
from tanji.evidence.records import record_platform_record, stored_record
from tanji.protocols import records
from tanji.trust.errors import TrustError
from tanji.trust.keys import generate_private_key
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
CREDENTIAL = Credential("api_token", "token:0123456789abcdef")


def _review_record(enterprise_id: int, username: str) -> bytes:
    return records.canonical(
        {"action": "approve", "enterprise": enterprise_id, "event": 1,
         "format": records.REVIEW_FORMAT, "from_state": "submitted", "note": "",
         "review": 1, "to_state": "approved", "username": username}
    )  # fmt: skip


@pytest.fixture
def keyless(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """An installation outside demo mode with no platform key configured."""
    monkeypatch.setenv("TANJI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANJI_DEMO", "false")
    monkeypatch.delenv("TANJI_PLATFORM_KEY_PEM", raising=False)
    monkeypatch.delenv("TANJI_PLATFORM_KEY_FILE", raising=False)
    signing.platform_key.cache_clear()
    yield
    signing.platform_key.cache_clear()


def test_the_credential_is_stated_for_the_block_only() -> None:
    assert current_credential() is None
    with submitting(CREDENTIAL):
        assert current_credential() == CREDENTIAL
        with submitting(lambda: None):  # a resolver: an anonymous request
            assert current_credential() is None
        assert current_credential() == CREDENTIAL
    assert current_credential() is None
    assert fingerprint("session", "secret") == "session:2bb80d537b1da3e3"


def test_without_a_credential_or_a_user_the_record_stays_unsigned() -> None:
    enterprise = EnterpriseFactory()
    user = member("lab_staff", enterprise)
    body = _review_record(enterprise.pk, user.username)
    bare = RawEnvelope.objects.get(pk=record_platform_record(body, enterprise.pk, user.pk))
    with submitting(CREDENTIAL):
        system = RawEnvelope.objects.get(pk=record_platform_record(body, enterprise.pk, None))
    for row in (bare, system):
        assert row.trust_level == TrustLevelChoices.UNSIGNED
        assert stored_record(row) == body == bytes(row.body)


def test_a_stated_credential_attests_the_record(monkeypatch: pytest.MonkeyPatch) -> None:
    key = generate_private_key()
    monkeypatch.setenv("TANJI_PLATFORM_KEY_PEM", key.to_pem().decode("ascii"))
    signing.platform_key.cache_clear()
    enterprise = EnterpriseFactory()
    user = member("lab_staff", enterprise)
    body = _review_record(enterprise.pk, user.username)
    with submitting(CREDENTIAL):
        row = RawEnvelope.objects.get(pk=record_platform_record(body, enterprise.pk, user.pk))
    assert row.trust_level == TrustLevelChoices.SESSION_ATTESTED
    assert stored_record(row) == body
    attestation = open_attestation(bytes(row.body), key.public_key())
    assert (attestation.user, attestation.roles) == (user.username, ("lab_staff",))
    assert (attestation.auth_method, attestation.credential) == ("api_token", CREDENTIAL.credential)
    with pytest.raises(TrustError):
        open_attestation(bytes(row.body), generate_private_key().public_key())
    signing.platform_key.cache_clear()


def test_an_installation_without_a_platform_key_cannot_attest(keyless: None) -> None:
    enterprise = EnterpriseFactory()
    user = member("lab_staff", enterprise)
    with submitting(CREDENTIAL):
        pk = record_platform_record(
            _review_record(enterprise.pk, user.username), enterprise.pk, user.pk
        )
    assert RawEnvelope.objects.get(pk=pk).trust_level == TrustLevelChoices.UNSIGNED
