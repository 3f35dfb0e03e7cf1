"""``tanji audit`` finds every kind of tampering, each with its location."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection

from tanji.cli.main import main
from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.models import LogNode, RawEnvelope, SignedCheckpoint
from tanji.ingest.audit import Divergence, audit
from tanji.ingest.hj212 import ingest_upload
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import ingest
from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    FactorData,
    Flags,
    ProtocolVersion,
    build_frame,
    data_message,
)
from tanji.trust.keys import PrivateKey
from tests.evidence.factories import HJ212_PASSWORD, World, make_world
from tests.ingest.cases import RECEIVED

pytestmark = pytest.mark.django_db
ORIGIN = "tanji.example/log"


def stored_world(platform: PrivateKey) -> World:
    world = make_world()
    for seq in (1, 2, 3):
        body = world.envelope(world.batch(seq))
        submission = Submission(body, "https", RECEIVED, device_id=world.terminal.device_id)
        assert ingest(submission, key=platform).status == "accepted"
    record = DataRecord(
        datetime(2025, 6, 10, 16, 0, tzinfo=CHINA_STANDARD_TIME),
        (FactorData("a21026", {"Avg": Decimal("35.5")}, "N"),),
    )
    message = data_message(
        record,
        cn=2051,
        qn="20250610160059123",
        mn=world.logger.device_id,
        pw=HJ212_PASSWORD,
        flags=Flags(ProtocolVersion(1), ack=True),
    )
    outcome = ingest_upload(
        world.logger.device_id, HJ212_PASSWORD, record, (build_frame(message),), RECEIVED
    )
    assert outcome.status == "accepted"
    issue_checkpoint(platform, ORIGIN)
    return world


def kinds(found: list[Divergence]) -> set[str]:
    return {d.kind for d in found}


def test_untouched_store_has_no_divergence(platform: PrivateKey) -> None:
    stored_world(platform)
    assert audit(platform.public_key(), ORIGIN) == []


def _sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def edit_sample(world: World) -> None:
    _sql(
        "UPDATE timeseries_sample SET value = value + 0.5 WHERE ts = "
        "(SELECT MIN(ts) FROM timeseries_sample)"
    )


def edit_envelope_byte(world: World) -> None:
    row = RawEnvelope.objects.get(log_index=1)
    body = bytearray(row.body)
    body[10] ^= 1
    RawEnvelope.objects.filter(pk=row.pk).update(body=bytes(body))


def edit_log_node(world: World) -> None:
    LogNode.objects.filter(level=1, index=0).update(digest=b"\x00" * 32)


def delete_envelope(world: World) -> None:
    RawEnvelope.objects.filter(log_index=1).delete()


def reorder_envelopes(world: World) -> None:
    first, second = RawEnvelope.objects.order_by("log_index")[:2]
    RawEnvelope.objects.filter(pk=first.pk).update(log_index=-1)
    RawEnvelope.objects.filter(pk=second.pk).update(log_index=0)
    RawEnvelope.objects.filter(pk=first.pk).update(log_index=1)


def forge_checkpoint(world: World) -> None:
    row = SignedCheckpoint.objects.get()
    SignedCheckpoint.objects.filter(pk=row.pk).update(note=row.note.replace("\n4\n", "\n3\n"))


def edit_hj212_sample(world: World) -> None:
    _sql("UPDATE timeseries_sample SET flag = 'D' WHERE tag_id = %s", world.cems.pk)


TAMPERING: dict[str, tuple[Callable[[World], None], str, str]] = {
    "sample value": (edit_sample, "sample.value", "timeseries_sample tag_id="),
    "hj212 sample flag": (edit_hj212_sample, "sample.flag", "timeseries_sample tag_id="),
    "envelope byte": (edit_envelope_byte, "envelope.digest", "log_index=1"),
    "log node": (edit_log_node, "log.node_hash", "level=1 index=0"),
    "deleted envelope": (delete_envelope, "log.index_gap", "log_index=2"),
    "reordered envelopes": (reorder_envelopes, "log.node_hash", "evidence_lognode level=0"),
    "forged checkpoint": (forge_checkpoint, "checkpoint.signature", "evidence_signedcheckpoint"),
}


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_tampering_is_detected_with_its_location(platform: PrivateKey, name: str) -> None:
    world = stored_world(platform)
    tamper, kind, where = TAMPERING[name]
    tamper(world)
    found = audit(platform.public_key(), ORIGIN)
    matching = [d for d in found if d.kind == kind]
    assert matching, found
    assert any(where in d.location for d in matching), matching


def test_deleted_envelope_leaves_orphan_samples(platform: PrivateKey) -> None:
    stored_world(platform)
    delete_envelope(make_world("X"))
    assert {"log.index_gap", "sample.no_envelope", "checkpoint.size"} <= kinds(
        audit(platform.public_key(), ORIGIN)
    )


def test_cli_exits_1_and_names_the_location(
    platform: PrivateKey, capsys: pytest.CaptureFixture[str]
) -> None:
    world = stored_world(platform)
    assert main(["audit"]) == 0
    edit_log_node(world)
    assert main(["audit"]) == 1
    assert "evidence_lognode level=1 index=0" in capsys.readouterr().out
