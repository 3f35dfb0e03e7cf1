"""``POST /api/v1/plant/lab-analyses/signed``: each refusal has its code, in Chinese and English."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from tanji.evidence.models import RawEnvelope, SignedEntry
from tanji.ingest import signed_lab
from tanji.plant.models import LabAnalysis
from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials import keys, services as credentials
from tanji.tenancy.models import User
from tanji.trust.attestation import SIGNED_RECORD_TYPE
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import generate_private_key
from tanji.web.error_messages import MESSAGES
from tests.ingest.signed import lab_document, registered, signed
from tests.plant.factories import SourceFactory
from tests.tenancy.factories import EnterpriseFactory, member

pytestmark = pytest.mark.django_db
URL = "/api/v1/plant/lab-analyses/signed"


@dataclass
class Case:
    """Who submits what."""

    user: User
    body: bytes


def _post(case: Case, language: str = "zh-hans") -> object:
    _token, secret = credentials.issue_token(Actor.for_user(case.user), "lims")
    return Client().post(
        URL,
        case.body,
        content_type="application/vnd.dsse.envelope.v1+json",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
    )


def _lab_user(role: str = "lab_staff") -> tuple[User, int, int]:
    source = SourceFactory()
    return member(role, source.enterprise), source.enterprise_id, source.line_id


def _correct() -> Case:
    user, enterprise, line = _lab_user()
    key, _row = registered(user, enterprise)
    return Case(user, signed(lab_document(user, enterprise, line), key))


def _wrong_key() -> Case:
    user, enterprise, line = _lab_user()
    registered(user, enterprise)
    return Case(user, signed(lab_document(user, enterprise, line), generate_private_key()))


def _revoked_key() -> Case:
    user, enterprise, line = _lab_user()
    key, row = registered(user, enterprise)
    keys.revoke_key(Actor.for_user(user), row.pk)
    return Case(user, signed(lab_document(user, enterprise, line), key))


def _another_users_key() -> Case:
    user, enterprise, line = _lab_user()
    colleague = member("lab_staff", user.memberships.get().enterprise)
    key, _row = registered(colleague, enterprise)
    return Case(user, signed(lab_document(user, enterprise, line), key))


def _another_tenants_key() -> Case:
    user, enterprise, line = _lab_user()
    other = EnterpriseFactory()
    user.memberships.create(role="lab_staff", enterprise=other)
    key, _row = registered(user, other.pk)
    return Case(user, signed(lab_document(user, enterprise, line), key))


def _tampered_payload() -> Case:
    case = _correct()
    envelope = json.loads(case.body)
    payload = json.loads(base64.b64decode(envelope["payload"]))
    payload["results"][0]["value"] = 99.0
    envelope["payload"] = base64.b64encode(
        json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    ).decode()
    return Case(case.user, json.dumps(envelope).encode())


def _unknown_payload_type() -> Case:
    user, enterprise, line = _lab_user()
    key, _row = registered(user, enterprise)
    body = signed(lab_document(user, enterprise, line), key, "application/vnd.in-toto+json")
    return Case(user, body)


def _role_without_permission() -> Case:
    user, enterprise, line = _lab_user("viewer")
    key, _row = registered(user, enterprise)
    return Case(user, signed(lab_document(user, enterprise, line), key))


def _not_an_envelope() -> Case:
    user, _enterprise, _line = _lab_user()
    return Case(user, b"CaO 65.1 %")


def _another_submitter_named() -> Case:
    user, enterprise, line = _lab_user()
    key, _row = registered(user, enterprise)
    return Case(user, signed(lab_document(user, enterprise, line, submitted_by="boss"), key))


def _non_canonical_payload() -> Case:
    user, enterprise, line = _lab_user()
    key, _row = registered(user, enterprise)
    payload = json.dumps(lab_document(user, enterprise, line), indent=1).encode()
    return Case(user, encode_envelope(sign_envelope(SIGNED_RECORD_TYPE, payload, key)))


REFUSALS: dict[str, tuple[Callable[[], Case], int, str, str]] = {
    "signed_entry.malformed": (_not_an_envelope, 400, "不是签名信封", "Not a signed envelope"),
    "signed_entry.other_user": (_another_submitter_named, 403, "提交人是 boss", "names boss"),
    "signed_entry.bad_payload": (_non_canonical_payload, 400, "不是签名化验记录", "Not a signed"),
    "signed_entry.unknown_key": (_wrong_key, 400, "未登记", "is not registered"),
    "signed_entry.revoked_key": (_revoked_key, 403, "已于", "was revoked"),
    "signed_entry.foreign_key": (_another_users_key, 403, "其他用户", "another user"),
    "signed_entry.other_tenant": (_another_tenants_key, 403, "登记于企业", "registered for"),
    "signed_entry.bad_signature": (_tampered_payload, 400, "验证失败", "does not verify"),
    "signed_entry.unknown_type": (_unknown_payload_type, 400, "不接受", "not accepted"),
    "signed_entry.forbidden": (_role_without_permission, 403, "无权", "may not enter lab"),
}


def test_a_correctly_signed_record_is_accepted_as_user_signed() -> None:
    reply = _post(_correct())
    assert reply.status_code == 201, reply.content  # type: ignore[attr-defined]
    body = reply.json()  # type: ignore[attr-defined]
    assert body["trust_level"] == "user_signed"
    assert LabAnalysis.objects.get().pk == body["analysis_id"]
    assert RawEnvelope.objects.get().log_index == body["log_index"]


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_each_refusal_has_its_code_and_stores_nothing(code: str) -> None:
    make, status, chinese, english = REFUSALS[code]
    case = make()
    before = (RawEnvelope.objects.count(), LabAnalysis.objects.count(), SignedEntry.objects.count())
    reply = _post(case)
    assert reply.status_code == status, reply.content  # type: ignore[attr-defined]
    assert reply.json()["code"] == code  # type: ignore[attr-defined]
    assert chinese in reply.json()["message"]  # type: ignore[attr-defined]
    assert english in _post(case, "en").json()["message"]  # type: ignore[attr-defined]
    after = (RawEnvelope.objects.count(), LabAnalysis.objects.count(), SignedEntry.objects.count())
    assert after == before


def test_the_same_envelope_resent_is_answered_with_the_stored_outcome() -> None:
    case = _correct()
    first = _post(case)
    assert first.status_code == 201  # type: ignore[attr-defined]
    assert first.json()["status"] == "accepted"  # type: ignore[attr-defined]
    again = _post(case)  # a client retrying after a lost answer
    assert again.status_code == 200, again.content  # type: ignore[attr-defined]
    assert again.json() == first.json() | {"status": "duplicate"}  # type: ignore[attr-defined]
    stored = (RawEnvelope.objects, LabAnalysis.objects, SignedEntry.objects)
    assert [rows.count() for rows in stored] == [1, 1, 1]  # nothing stored twice


def test_a_nonce_reused_in_another_envelope_is_a_refused_replay() -> None:
    case = _correct()
    assert _post(case).status_code == 201  # type: ignore[attr-defined]
    membership = case.user.memberships.get()
    key, _row = registered(case.user, membership.enterprise_id)
    nonce = json.loads(base64.b64decode(json.loads(case.body)["payload"]))["nonce"]
    line = LabAnalysis.objects.get().line_id
    document = lab_document(case.user, membership.enterprise_id, line, nonce=nonce)
    same_nonce = Case(case.user, signed(document | {"sample_id": "CK-0303"}, key))
    replay = _post(same_nonce)
    assert replay.status_code == 409  # type: ignore[attr-defined]
    assert replay.json()["code"] == "signed_entry.replayed"  # type: ignore[attr-defined]
    assert "重放" in replay.json()["message"]  # type: ignore[attr-defined]
    assert _post(same_nonce, "en").json()["message"].endswith("a replay.")  # type: ignore[attr-defined]
    assert (RawEnvelope.objects.count(), LabAnalysis.objects.count()) == (1, 1)


def test_an_anonymous_caller_is_refused() -> None:
    assert Client().post(URL, b"{}", content_type="application/json").status_code == 401


def test_every_signed_entry_code_has_a_translated_message() -> None:
    source = Path(signed_lab.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'"(signed_entry\.[a-z_]+)"', source))
    assert len(codes) == 11
    assert codes <= set(MESSAGES)
    assert set(REFUSALS) | {"signed_entry.replayed"} == codes
