"""Group commit: ``ingest_many`` keeps every per-submission guarantee of ``ingest``."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError

from tanji.evidence.models import LogNode, QuarantineEntry, RawEnvelope
from tanji.ingest import listeners
from tanji.ingest.authenticate import authenticate
from tanji.ingest.commit import commit
from tanji.ingest.decode import decode
from tanji.ingest.model import Refused
from tanji.ingest.pipeline import ingest, ingest_many
from tanji.ingest.validate import validate
from tanji.protocols.readings import Reading
from tanji.protocols.receipts import decode_receipt
from tanji.timeseries.models import Sample
from tanji.trust.dsse import decode_envelope
from tests.evidence.factories import World
from tests.ingest.cases import RECEIVED, SIGNED_CASES, Message
from tests.ingest.test_pipeline import state, submit

pytestmark = pytest.mark.django_db


def signed(world: World, seq: int, value: float = 12.0) -> Message:
    readings = None
    if value != 12.0:
        readings = [Reading(world.coal.code, RECEIVED.replace(hour=7, minute=seq), value, "t/h")]
    return Message(world.envelope(world.batch(seq, readings)), world.terminal.device_id)


def receipt_of(outcome_receipt: bytes) -> tuple[int, str, int]:
    receipt = decode_receipt(decode_envelope(outcome_receipt).payload)
    return receipt.seq, receipt.status, receipt.log_index


def test_mixed_group_accepts_refuses_and_deduplicates_each_on_its_own(
    world: World, other: World
) -> None:
    stored = ingest(submit(signed(world, 1)), key=world.platform)
    bad, reason = SIGNED_CASES["tampered_payload"]
    group = [signed(world, 2), bad(world, other), signed(world, 1), signed(world, 3)]
    outcomes = ingest_many([submit(m) for m in group], key=world.platform)
    assert [o.status for o in outcomes] == ["accepted", "refused", "duplicate", "accepted"]
    assert outcomes[1].error is not None
    assert outcomes[1].error.code == reason
    assert QuarantineEntry.objects.get().reason == reason
    assert outcomes[2].envelope_id == stored.envelope_id
    assert [receipt_of(o.receipt) for o in outcomes if o.receipt] == [
        (2, "accepted", 1),
        (1, "duplicate", 0),
        (3, "accepted", 2),
    ]
    envelopes, leaves, samples, _ = state()
    assert (envelopes, leaves, samples) == (3, 3 + 1, 9)  # 3 leaves and one inner node


def test_same_seq_twice_in_one_group_is_a_duplicate_or_a_refused_reuse(world: World) -> None:
    first, again, different = signed(world, 5), signed(world, 5), signed(world, 5, value=19.0)
    outcomes = ingest_many([submit(first), submit(again), submit(different)], key=world.platform)
    assert [o.status for o in outcomes] == ["accepted", "duplicate", "refused"]
    assert outcomes[1].envelope_id == outcomes[0].envelope_id
    assert outcomes[1].log_index == outcomes[0].log_index
    assert outcomes[2].error is not None
    assert outcomes[2].error.code == "ingest.seq_reused"
    assert not outcomes[2].receipt
    assert RawEnvelope.objects.count() == 1
    assert list(Sample.objects.values_list("value", flat=True)) == [12.0, 13.0, 14.0]
    assert QuarantineEntry.objects.get().reason == "ingest.seq_reused"


def test_seq_reused_against_the_store_is_refused(world: World) -> None:
    ingest(submit(signed(world, 7)), key=world.platform)
    outcomes = ingest_many([submit(signed(world, 7, value=1.0))], key=world.platform)
    assert outcomes[0].error is not None
    assert outcomes[0].error.code == "ingest.seq_reused"
    checked = validate(decode(authenticate(submit(signed(world, 7, value=1.0)))))
    with pytest.raises(Refused):  # the one-by-one stage refuses the same way
        commit(checked)


def test_group_order_is_log_and_sample_order(world: World) -> None:
    outcomes = ingest_many([submit(signed(world, s)) for s in (3, 1, 2)], key=world.platform)
    assert [o.log_index for o in outcomes] == [0, 1, 2]
    by_envelope = dict(RawEnvelope.objects.values_list("pk", "seq"))
    evidence = Sample.objects.order_by("ts").values_list("ts", "evidence_id")
    assert [by_envelope[e] for _, e in evidence] == [1, 1, 1, 2, 2, 2, 3, 3, 3]


def test_database_failure_fails_the_whole_group_and_stores_nothing(world: World) -> None:
    with (
        mock.patch("tanji.ingest.grouped.store_for", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        ingest_many([submit(signed(world, 1)), submit(signed(world, 2))], key=world.platform)
    assert (RawEnvelope.objects.count(), LogNode.objects.count(), Sample.objects.count()) == (
        0,
        0,
        0,
    )
    outcomes = ingest_many([submit(signed(world, 1))], key=world.platform)  # the retry
    assert outcomes[0].status == "accepted"
    assert outcomes[0].log_index == 0


def test_failure_inside_the_sample_write_rolls_the_whole_group_back(world: World) -> None:
    """No savepoint of its own around the samples (ADR 0257), and still all or nothing.

    A failure halfway through the samples leaves no envelope, leaf or sample of the group.
    """
    from tanji.timeseries.store import BaseStore

    original = BaseStore._write_round

    def write_then_fail(self: BaseStore, *args: object, **kwargs: object) -> object:
        original(self, *args, **kwargs)  # the samples are in the transaction …
        raise DatabaseError("disk full")  # … when the write fails

    with (
        mock.patch.object(BaseStore, "_write_round", write_then_fail),
        pytest.raises(DatabaseError),
    ):
        ingest_many([submit(signed(world, 1)), submit(signed(world, 2))], key=world.platform)
    counts = (RawEnvelope.objects.count(), LogNode.objects.count(), Sample.objects.count())
    assert counts == (0, 0, 0)
    outcomes = ingest_many([submit(signed(world, 1))], key=world.platform)  # the retry
    assert (outcomes[0].status, outcomes[0].log_index) == ("accepted", 0)


def test_listeners_hear_each_accepted_submission_after_the_commit(world: World) -> None:
    heard: list[listeners.CommittedData] = []
    listeners.register(heard.append)
    try:
        ingest_many([submit(signed(world, s)) for s in (1, 1, 2)], key=world.platform)
    finally:
        listeners.unregister(heard.append)
    assert len(heard) == 2
    assert {e.envelope_id for e in heard} == set(RawEnvelope.objects.values_list("pk", flat=True))
