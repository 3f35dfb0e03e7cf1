"""The pipeline end to end on the database: acceptance, duplicates, receipts, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tanji.evidence.choices import ChannelChoices
from tanji.evidence.models import LogNode, QuarantineEntry, RawEnvelope, TerminalKey
from tanji.ingest import listeners
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import ingest
from tanji.protocols.receipts import RECEIPT_PAYLOAD_TYPE, decode_receipt
from tanji.timeseries.models import Sample
from tanji.trust.dsse import decode_envelope, verify_envelope
from tests.evidence.factories import World
from tests.ingest.cases import RECEIVED, SIGNED_CASES, Message

pytestmark = pytest.mark.django_db


def submit(message: Message, channel: str = ChannelChoices.HTTPS) -> Submission:
    return Submission(
        body=message.body,
        channel=channel,
        received_at=RECEIVED,
        device_id=message.device,
        enterprise_ref=message.enterprise,
    )


def state() -> tuple[int, int, int, list[tuple[int, int, float]]]:
    samples = list(Sample.objects.order_by("tag_id", "ts").values_list("tag_id", "ts", "value"))
    return RawEnvelope.objects.count(), LogNode.objects.count(), len(samples), samples


def test_accepts_a_signed_batch_and_receipts_it_after_commit(world: World) -> None:
    message = Message(world.envelope(world.batch(1)), world.terminal.device_id)
    outcome = ingest(submit(message), key=world.platform)
    assert outcome.status == "accepted"
    envelope = decode_envelope(outcome.receipt)
    assert envelope.payload_type == RECEIPT_PAYLOAD_TYPE
    verify_envelope(envelope, {world.platform.key_id: world.platform.public_key()})
    receipt = decode_receipt(envelope.payload)
    stored = RawEnvelope.objects.get()
    assert (receipt.device, receipt.seq, receipt.log_index) == (world.terminal.device_id, 1, 0)
    assert receipt.envelope_sha256.hex() == stored.sha256
    assert bytes(stored.body) == message.body
    values = list(Sample.objects.order_by("ts").values_list("value", "evidence_id"))
    assert values == [(12.0, stored.pk), (13.0, stored.pk), (14.0, stored.pk)]


def test_duplicate_gets_the_original_log_index_and_changes_nothing(world: World) -> None:
    first = Message(world.envelope(world.batch(1)), world.terminal.device_id)
    ingest(
        submit(Message(world.envelope(world.batch(2)), world.terminal.device_id)),
        key=world.platform,
    )
    original = ingest(submit(first), key=world.platform)
    before = state()
    again = ingest(submit(first), key=world.platform)
    assert again.status == "duplicate"
    receipt = decode_receipt(decode_envelope(again.receipt).payload)
    assert (receipt.status, receipt.log_index) == ("duplicate", original.log_index)
    assert state() == before


def test_refuses_a_different_envelope_under_a_used_seq_without_receipt(world: World) -> None:
    ingest(
        submit(Message(world.envelope(world.batch(1)), world.terminal.device_id)),
        key=world.platform,
    )
    before = state()
    from tanji.protocols.readings import Reading
    from tests.ingest.cases import T0

    other = world.batch(1, [Reading(world.coal.code, T0, 5.0, "t/h")])
    outcome = ingest(
        submit(Message(world.envelope(other), world.terminal.device_id)), key=world.platform
    )
    assert (outcome.status, outcome.receipt) == ("refused", b"")
    assert outcome.error is not None
    assert outcome.error.code == "ingest.seq_reused"
    assert state() == before


def test_out_of_order_and_old_batches_are_accepted(world: World) -> None:
    for seq in (5, 2, 9, 1):
        outcome = ingest(
            submit(Message(world.envelope(world.batch(seq)), world.terminal.device_id)),
            key=world.platform,
        )
        assert outcome.status == "accepted"
    assert RawEnvelope.objects.count() == 4


def test_revoked_key_is_refused_from_the_revocation_on(world: World) -> None:
    TerminalKey.objects.update(revoked_at=RECEIVED - timedelta(seconds=1))
    message = Message(world.envelope(world.batch(1)), world.terminal.device_id)
    outcome = ingest(submit(message), key=world.platform)
    assert outcome.error is not None
    assert outcome.error.code == "trust.key_revoked"
    assert state()[:3] == (0, 0, 0)


def test_listeners_hear_committed_data_only(world: World) -> None:
    heard: list[listeners.CommittedData] = []
    listeners.register(heard.append)
    try:
        message = Message(world.envelope(world.batch(1)), world.terminal.device_id)
        ingest(submit(message), key=world.platform)
        ingest(submit(message), key=world.platform)
    finally:
        listeners.unregister(heard.append)
    assert len(heard) == 1
    event = heard[0]
    assert (event.enterprise_id, event.tag_ids) == (world.enterprise.pk, frozenset({world.coal.pk}))
    assert event.end - event.start == timedelta(minutes=2)


@pytest.mark.parametrize("name", sorted(SIGNED_CASES))
def test_refused_input_is_quarantined_with_its_reason(
    world: World, other: World, name: str
) -> None:
    build, reason = SIGNED_CASES[name]
    message = build(world, other)
    channel = ChannelChoices.MQTT if message.enterprise else ChannelChoices.HTTPS
    before = state()
    outcome = ingest(submit(message, channel), key=world.platform)
    assert outcome.status == "refused"
    assert outcome.receipt == b""
    assert outcome.error is not None
    assert outcome.error.code == reason, outcome.error
    entry = QuarantineEntry.objects.get(pk=outcome.quarantine_id)
    assert (entry.reason, bytes(entry.body), entry.channel) == (reason, message.body, channel)
    assert state() == before


def test_every_case_has_its_own_input() -> None:
    assert len(SIGNED_CASES) >= 30


def test_clock_skew_allows_five_minutes_ahead_only(world: World) -> None:
    from tanji.protocols.readings import Reading

    ahead = [Reading(world.coal.code, RECEIVED + timedelta(minutes=4, seconds=59), 1.0, "t/h")]
    message = Message(world.envelope(world.batch(1, ahead)), world.terminal.device_id)
    assert ingest(submit(message), key=world.platform).status == "accepted"
    late = [Reading(world.coal.code, RECEIVED + timedelta(minutes=5, seconds=1), 1.0, "t/h")]
    message = Message(world.envelope(world.batch(2, late)), world.terminal.device_id)
    outcome = ingest(submit(message), key=world.platform)
    assert outcome.error is not None
    assert outcome.error.code == "ingest.future_time"
