"""Enrolment, signed configuration, checkpoints, proofs and bundles over the API."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.test import Client

from tanji.evidence.models import Device, TerminalKey
from tanji.evidence.services import issue_enrolment_code, revoke_key
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.trust.bundle import verdict, verify_bundle
from tanji.trust.bundle_document import decode_bundle
from tanji.trust.checkpoint import log_verifier, open_checkpoint
from tanji.trust.dsse import decode_envelope, verify_envelope
from tanji.trust.keys import PrivateKey, generate_private_key
from tanji.trust.merkle import verify_consistency, verify_inclusion
from tests.evidence.factories import World, make_device, make_world
from tests.tenancy.factories import member
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db
DSSE = "application/vnd.dsse.envelope.v1+json"
ORIGIN = "tanji.example/log"


def enrol_body(world: World, device: Device, code: str, key: PrivateKey) -> dict[str, str]:
    public = key.public_key()
    return {
        "code": code,
        "device": device.device_id,
        "enterprise": str(world.enterprise.pk),
        "key_id": public.key_id,
        "public_key": public.to_pem().decode(),
        "suite": public.suite,
    }


def test_enrolment_code_works_once(client: Client) -> None:
    world = make_world()
    device = make_device(world.enterprise, "T-NEW-1")
    code = issue_enrolment_code(Actor.system(), device)
    key = generate_private_key()
    body = enrol_body(world, device, code, key)
    answer = client.post("/api/v1/terminals/enrol", body, content_type="application/json")
    assert answer.status_code == 201
    assert TerminalKey.objects.get(device=device).key_id == key.key_id
    again = client.post("/api/v1/terminals/enrol", body, content_type="application/json")
    assert again.json()["code"] == "trust.enrolment_code_used"
    body["code"] = "0000-0000-0000-0000-0000-0000"
    wrong = client.post("/api/v1/terminals/enrol", body, content_type="application/json")
    assert wrong.json()["code"] == "evidence.enrolment_refused"


def test_configuration_is_signed_and_lists_revoked_keys(
    client: Client, platform: PrivateKey
) -> None:
    world = make_world()
    revoke_key(Actor.system(), world.key.key_id, at=datetime(2025, 6, 1, tzinfo=UTC))
    answer = client.get(f"/api/v1/terminals/{world.terminal.device_id}/config")
    envelope = decode_envelope(answer.content)
    verify_envelope(envelope, {platform.key_id: platform.public_key()})
    assert b'"revoked_keys":["' + world.key.key_id.encode() in envelope.payload
    assert client.get("/api/v1/terminals/NOPE/config").status_code == 404


def _ingest(client: Client, world: World, seq: int) -> None:
    body = world.envelope(world.batch(seq))
    headers = {"X-Tanji-Device": world.terminal.device_id}
    assert (
        client.post("/api/v1/ingest/batches", body, content_type=DSSE, headers=headers).status_code
        == 200
    )


def test_checkpoint_and_proofs_verify(client: Client, platform: PrivateKey) -> None:
    world = make_world()
    assert client.get("/api/v1/log/checkpoint").status_code == 404
    for seq in (1, 2, 3):
        _ingest(client, world, seq)
    client.force_login(member(RoleChoices.PLATFORM_OPERATOR))
    first = client.post("/api/v1/log/checkpoint").content
    old, _ = open_checkpoint(first, log_verifier(ORIGIN, platform.public_key()))
    for seq in (4, 5):
        _ingest(client, world, seq)
    client.post("/api/v1/log/checkpoint")
    note = client.get("/api/v1/log/checkpoint").content
    new, _ = open_checkpoint(note, log_verifier(ORIGIN, platform.public_key()))
    assert (old.size, new.size) == (3, 5)
    proof = client.get("/api/v1/log/proofs/consistency?first=3&second=5").json()["proof"]
    verify_consistency(3, 5, [base64.b64decode(p) for p in proof], old.root_hash, new.root_hash)
    path = client.get("/api/v1/log/proofs/inclusion?index=1&size=5").json()["proof"]
    from tanji.evidence.log import open_tree

    leaf = open_tree().leaf(1)
    verify_inclusion(leaf, 1, 5, [base64.b64decode(p) for p in path], new.root_hash)
    assert client.get("/api/v1/log/proofs/inclusion?index=9&size=5").status_code == 422


def test_bundle_export_verifies_offline(client: Client, platform: PrivateKey) -> None:
    world = make_world()
    for seq in (1, 2):
        _ingest(client, world, seq)
    client.force_login(member(RoleChoices.REGULATOR, world.enterprise))
    answer = client.get(
        f"/api/v1/log/bundles?enterprise_id={world.enterprise.pk}"
        "&start=2020-01-01T00:00:00Z&end=2099-01-01T00:00:00Z"
    )
    assert answer.status_code == 200, answer.content
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert archive.namelist() == ["bundle.json"]
    bundle = decode_bundle(answer.content)
    assert len(bundle.records) == 2
    checks = verify_bundle(bundle, trusted_logs=[log_verifier(ORIGIN, platform.public_key())])
    assert verdict(checks) != "failed", [c for c in checks if c.status == "fail"]


def test_bundle_export_needs_the_evidence_right(client: Client, platform: PrivateKey) -> None:
    world = make_world()
    client.force_login(member(RoleChoices.VIEWER, world.enterprise))
    answer = client.get(
        f"/api/v1/log/bundles?enterprise_id={world.enterprise.pk}"
        "&start=2020-01-01T00:00:00Z&end=2099-01-01T00:00:00Z"
    )
    assert answer.status_code == 403


def test_terminal_polls_signed_commands(client: Client, platform: PrivateKey) -> None:
    from tanji.evidence.commands import COMMAND_PAYLOAD_TYPE, issue_command
    from tanji.terminal.uplink.https import COMMANDS_PATH

    world = make_world()
    issue_command(Actor.system(), world.terminal, "send_status", {}, key=platform)
    issue_command(Actor.system(), world.terminal, "restart", {"delay_s": 5}, key=platform)
    answer = client.get(COMMANDS_PATH.format(device=world.terminal.device_id))
    import json as json_module

    items = answer.json()
    assert len(items) == 2
    envelope = decode_envelope(json_module.dumps(items[1]).encode())
    assert envelope.payload_type == COMMAND_PAYLOAD_TYPE
    verify_envelope(envelope, {platform.key_id: platform.public_key()})
    assert json_module.loads(envelope.payload) == {
        "args": {"delay_s": 5},
        "command": "restart",
        "device": world.terminal.device_id,
        "seq": 2,
    }


def test_bundle_with_the_coal_figure_is_recomputed(client: Client, platform: PrivateKey) -> None:
    from tanji.evidence.figures import recompute_figure

    world = make_world()
    for seq in (1, 2):
        _ingest(client, world, seq)
    client.force_login(member(RoleChoices.REGULATOR, world.enterprise))
    url = (
        f"/api/v1/log/bundles?enterprise_id={world.enterprise.pk}"
        f"&start=2020-01-01T00:00:00Z&end=2099-01-01T00:00:00Z&coal_tag={world.coal.code}"
    )
    bundle = decode_bundle(client.get(url).content)
    assert bundle.figure is not None
    # 2 batches × (12 + 13 + 14) t/h, one reading a minute = 1.3 t; GB/T 32151.8 with the
    # 2015-table bituminous coal defaults, worked by hand.
    assert float(bundle.figure.value) == pytest.approx(1.3 * 19.57 * 0.02618 * 0.98 * 44 / 12)
    checks = verify_bundle(bundle, recompute=recompute_figure)
    (recomputed,) = [c for c in checks if c.name == "figure.recomputed"]
    assert recomputed.status == "pass", recomputed.detail
    refused = client.get(url + "&coal_seconds=0")
    assert refused.status_code == 422
    assert refused.json()["code"] == "figure.bad_reference"


def test_operators_assign_instruments_to_a_terminal_and_the_config_follows(
    client: Client, platform: PrivateKey
) -> None:
    from tanji.tenancy.models import AuditEntry
    from tests.metrology.factories import InstrumentFactory

    world = make_world()
    instrument = InstrumentFactory(enterprise=world.enterprise, code="L1-FS-CA")
    instrument.tags.add(world.coal)
    url = f"/api/v1/terminals/{world.terminal.device_id}/instruments/{instrument.pk}"
    body = {
        "driver": "modbus_tcp",
        "connection": {"host": "10.1.2.3", "unit_id": 7},
        "points": {world.coal.code: {"address": 10, "data_type": "float32"}},
        "scan_s": 10,
    }
    viewer = signed_in(Client(), member(RoleChoices.VIEWER, world.enterprise))
    assert viewer.put(url, body, content_type="application/json").status_code == 403
    staff = signed_in(client, member(RoleChoices.METERING_STAFF, world.enterprise))
    answer = staff.put(url, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["instrument"] == "L1-FS-CA"
    bad = staff.put(url, body | {"points": {"NOPE": {}}}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "metrology.acquisition.tag"
    assert "不是计量器具 L1-FS-CA 的在用位号" in bad.json()["message"]  # Chinese by default
    listed = staff.get(f"/api/v1/terminals/{world.terminal.device_id}/instruments").json()
    assert [row["instrument_id"] for row in listed] == [instrument.pk]
    envelope = Client().get(f"/api/v1/terminals/{world.terminal.device_id}/config").content
    document = json.loads(decode_envelope(envelope).payload)
    (entry,) = document["instruments"]
    assert entry["settings"]["points"][0]["tag"] == world.coal.code
    assert document["version"] == 2
    config_url = f"/api/v1/terminals/{world.terminal.device_id}/config"
    unchanged = Client().get(config_url, headers={"If-None-Match": '"config-2"'})
    assert (unchanged.status_code, unchanged.content) == (304, b"")  # a running terminal's poll
    assert staff.delete(url).status_code == 204
    changed = Client().get(config_url, headers={"If-None-Match": '"config-2"'})
    assert (changed.status_code, changed["ETag"]) == (200, '"config-3"')
    assert AuditEntry.objects.filter(object_type="metrology.acquisition").count() == 2
