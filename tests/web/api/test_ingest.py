"""HTTPS intake: receipts, duplicates, refusals with reason codes, heartbeats, manual and CSV."""

from __future__ import annotations

import pytest
from django.test import Client

from tanji.evidence.models import Device, QuarantineEntry, RawEnvelope
from tanji.protocols.readings import encode_batch
from tanji.protocols.receipts import decode_receipt
from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.models import Sample
from tanji.trust.dsse import decode_envelope, encode_envelope, sign_envelope, verify_envelope
from tanji.trust.keys import PrivateKey
from tests.evidence.factories import make_world
from tests.ingest.cases import SIGNED_CASES
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db
URL = "/api/v1/ingest/batches"
DSSE = "application/vnd.dsse.envelope.v1+json"


def post(client: Client, body: bytes, device: str) -> object:
    return client.post(URL, body, content_type=DSSE, headers={"X-Tanji-Device": device})


def test_batch_gets_a_platform_signed_receipt(client: Client, platform: PrivateKey) -> None:
    world = make_world()
    body = world.envelope(world.batch(7))
    answer = post(client, body, world.terminal.device_id)
    assert answer.status_code == 200
    assert answer["Content-Type"] == DSSE
    envelope = decode_envelope(answer.content)
    verify_envelope(envelope, {platform.key_id: platform.public_key()})
    receipt = decode_receipt(envelope.payload)
    assert (receipt.seq, receipt.status) == (7, "accepted")
    again = decode_receipt(
        decode_envelope(post(client, body, world.terminal.device_id).content).payload
    )
    assert (again.status, again.log_index) == ("duplicate", receipt.log_index)
    assert Sample.objects.count() == 3


@pytest.mark.parametrize("name", sorted(n for n in SIGNED_CASES if n != "wrong_enterprise_topic"))
def test_refusals_answer_4xx_with_the_reason(
    client: Client, platform: PrivateKey, name: str
) -> None:
    world, other = make_world("T"), make_world("O")
    build, reason = SIGNED_CASES[name]
    message = build(world, other)
    answer = post(client, message.body, message.device)
    assert 400 <= answer.status_code < 500
    assert answer.json()["code"] == reason
    assert QuarantineEntry.objects.get().reason == reason
    assert (RawEnvelope.objects.count(), Sample.objects.count()) == (0, 0)


def test_heartbeat_is_verified_and_kept(client: Client, platform: PrivateKey) -> None:
    from tanji.ingest.terminals import HEARTBEAT_PAYLOAD_TYPE

    world = make_world()
    payload = b'{"device":"T-4201-01","queue_depth":3}'
    body = encode_envelope(sign_envelope(HEARTBEAT_PAYLOAD_TYPE, payload, world.key.signer()))
    answer = client.post(
        "/api/v1/ingest/heartbeats",
        body,
        content_type=DSSE,
        headers={"X-Tanji-Device": "T-4201-01"},
    )
    assert answer.status_code == 204
    assert Device.objects.get(pk=world.terminal.pk).last_health["queue_depth"] == 3
    forged = encode_envelope(sign_envelope(HEARTBEAT_PAYLOAD_TYPE, payload, platform.signer()))
    refused = client.post(
        "/api/v1/ingest/heartbeats",
        forged,
        content_type=DSSE,
        headers={"X-Tanji-Device": "T-4201-01"},
    )
    assert refused.json()["code"] == "trust.unknown_key"


def test_csv_import_goes_through_the_pipeline_with_the_person(
    client: Client, platform: PrivateKey
) -> None:
    world = make_world()
    user = member(RoleChoices.LAB_STAFF, world.enterprise)
    client.force_login(user)
    csv = f"tag,time,value,unit\n{world.moisture.code},2025-06-10T08:00:00.000Z,85,‰\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(
        f"/api/v1/ingest/files?enterprise_id={world.enterprise.pk}",
        {"file": SimpleUploadedFile("fuel.csv", csv, "text/csv")},
    )
    assert answer.status_code == 200, answer.content
    envelope = RawEnvelope.objects.get()
    assert (envelope.submitted_by_id, envelope.trust_level) == (user.pk, "unsigned")
    assert Sample.objects.get().value == pytest.approx(8.5)


def test_manual_entry_needs_the_lab_right(client: Client, platform: PrivateKey) -> None:
    world = make_world()
    client.force_login(member(RoleChoices.VIEWER, world.enterprise))
    body = encode_batch(world.batch(1))
    answer = client.post(
        f"/api/v1/ingest/manual?enterprise_id={world.enterprise.pk}",
        body,
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert QuarantineEntry.objects.get().reason == "tenancy.access_denied"


def test_operators_see_quarantine_with_reasons(client: Client, platform: PrivateKey) -> None:
    world = make_world()
    post(client, b"not an envelope", world.terminal.device_id)
    client.force_login(member(RoleChoices.PLATFORM_OPERATOR))
    items = client.get("/api/v1/ingest/quarantine").json()["items"]
    assert [(i["reason"], i["channel"], i["device"]) for i in items] == [
        ("trust.envelope_json", "https", world.terminal.device_id)
    ]
    client.force_login(member(RoleChoices.VIEWER, world.enterprise))
    assert client.get("/api/v1/ingest/quarantine").json()["items"] == []
