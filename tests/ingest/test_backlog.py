"""The durable live backlog: written in the commit, dropped once delivered, taken over at start."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tanji.evidence.choices import ChannelChoices
from tanji.ingest import backlog, dispatch, listeners
from tanji.ingest.dispatch import LiveWorker
from tanji.ingest.listeners import CommittedData
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import ingest
from tests.evidence.factories import World
from tests.ingest.cases import RECEIVED, Message

H = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def heard() -> Iterator[list[CommittedData]]:
    calls: list[CommittedData] = []
    listeners.register(calls.append)
    yield calls
    listeners.unregister(calls.append)


def submission(world: World, seq: int) -> Submission:
    message = Message(world.envelope(world.batch(seq)), world.terminal.device_id)
    return Submission(
        body=message.body,
        channel=ChannelChoices.HTTPS,
        received_at=RECEIVED,
        device_id=message.device,
        enterprise_ref=message.enterprise,
    )


@pytest.mark.django_db
def test_entries_round_trip_and_count_per_enterprise() -> None:
    events = [
        CommittedData(1, frozenset({10, 11}), H, H + timedelta(minutes=9), 7),
        CommittedData(2, frozenset({20}), H, H, 8),
    ]
    backlog.record(events)
    assert (backlog.count(), backlog.count(1), backlog.count(3)) == (2, 1, 0)
    assert backlog.leftovers() == events
    backlog.drop([7, 99])
    assert backlog.leftovers() == events[1:]


@pytest.mark.django_db(transaction=True)
def test_an_accepted_batch_stays_in_the_backlog_until_its_hours_are_delivered(
    world: World, heard: list[CommittedData]
) -> None:
    ingest(submission(world, 1), key=world.platform)
    assert backlog.count() == 0  # no worker: the listeners ran before the answer
    assert len(heard) == 1
    worker = dispatch.start_worker(window_s=30.0)
    try:
        outcome = ingest(submission(world, 2), key=world.platform)
        assert [e.envelope_id for e in backlog.leftovers()] == [outcome.envelope_id]
        assert len(heard) == 1  # waiting for the worker's window
        assert worker.flush(10)
    finally:
        dispatch.stop_worker()
    assert [e.envelope_id for e in heard] == [heard[0].envelope_id, outcome.envelope_id]
    assert backlog.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_takes_over_what_a_stopped_process_left(
    heard: list[CommittedData],
) -> None:
    left = CommittedData(5, frozenset({50}), H, H + timedelta(minutes=1), 41)
    backlog.record([left])
    worker = LiveWorker(window_s=0.0, take_over=True).start()
    try:
        assert worker.flush(10)
    finally:
        worker.stop()
    assert [(e.enterprise_id, e.tag_ids, e.start) for e in heard] == [(5, left.tag_ids, H)]
    assert backlog.count() == 0


@pytest.mark.django_db(transaction=True)
def test_envelopes_of_an_enterprise_whose_recompute_failed_stay_in_the_backlog(
    heard: list[CommittedData],
) -> None:
    failing = [ValueError("recompute failed"), ValueError("again")]

    def recompute(event: CommittedData) -> None:
        if event.enterprise_id == 5 and failing:
            raise failing.pop()

    listeners.register(recompute)
    backlog.record(
        [
            CommittedData(5, frozenset({50}), H, H + timedelta(minutes=1), 41),
            CommittedData(6, frozenset({60}), H, H + timedelta(minutes=1), 42),
        ]
    )
    worker = LiveWorker(window_s=0.0, take_over=True).start()
    try:
        assert not worker.flush(0.5)  # enterprise 5 failed twice (first try, the flush's retry)
        assert (backlog.count(5), backlog.count(6)) == (1, 0)  # 6 was delivered and dropped
        assert worker.flush(10)  # the next retry succeeds
    finally:
        worker.stop()
        listeners.unregister(recompute)
    assert backlog.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_stopped_worker_leaves_what_keeps_failing_to_the_next_process(
    heard: list[CommittedData],
) -> None:
    def broken(_: CommittedData) -> None:
        raise ValueError("listener bug")

    listeners.register(broken)
    backlog.record([CommittedData(5, frozenset({50}), H, H + timedelta(minutes=1), 41)])
    worker = LiveWorker(window_s=0.0, take_over=True).start()
    try:
        assert not worker.flush(0.5)
    finally:
        worker.stop()
        listeners.unregister(broken)
    assert backlog.count(5) == 1  # taken over by the next process's worker
