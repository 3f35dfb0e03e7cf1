"""The post-commit worker: coalesced, off the caller's thread, complete after ``flush``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tanji.ingest import dispatch, listeners
from tanji.ingest.dispatch import LiveWorker
from tanji.ingest.listeners import CommittedData

H = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


def event(
    enterprise: int, tags: set[int], start: datetime, minutes: int, env: int
) -> CommittedData:
    end = start + timedelta(minutes=minutes)
    return CommittedData(enterprise, frozenset(tags), start, end, env)


@pytest.fixture
def heard() -> Iterator[list[tuple[CommittedData, str]]]:
    calls: list[tuple[CommittedData, str]] = []

    def listener(e: CommittedData) -> None:
        calls.append((e, threading.current_thread().name))

    registered = listeners._listeners[:]
    listeners._listeners[:] = [listener]  # the application's listeners need a database
    yield calls
    listeners._listeners[:] = registered


def test_events_of_a_window_become_one_call_per_enterprise_and_run_of_hours(
    heard: list[tuple[CommittedData, str]],
) -> None:
    worker = LiveWorker(window_s=0.2).start()
    try:
        worker.put(event(1, {10}, H, 10, 1))
        worker.put(event(1, {11}, H + timedelta(minutes=30), 40, 2))  # into the next hour
        worker.put(event(1, {10}, H + timedelta(hours=5), 1, 3))  # a separate run
        worker.put(event(2, {20}, H, 1, 4))
        assert worker.flush(10)
    finally:
        worker.stop()
    calls = sorted(((e.enterprise_id, e.start, e.end, e.tag_ids) for e, _ in heard), key=str)
    assert calls == sorted(
        [
            (1, H, H + timedelta(hours=2) - timedelta(milliseconds=1), frozenset({10, 11})),
            (1, H + timedelta(hours=5), H + timedelta(hours=6, milliseconds=-1), frozenset({10})),
            (2, H, H + timedelta(hours=1, milliseconds=-1), frozenset({20})),
        ],
        key=str,
    )
    assert {name for _, name in heard} == {"ingest-live"}
    assert worker.delivered == 1


def test_publish_without_a_worker_calls_listeners_at_once(
    heard: list[tuple[CommittedData, str]],
) -> None:
    dispatch.publish(event(1, {10}, H, 1, 1))
    assert [name for _, name in heard] == [threading.current_thread().name]
    assert dispatch.flush()


def test_started_worker_takes_published_events_and_stop_delivers_the_rest(
    heard: list[tuple[CommittedData, str]],
) -> None:
    dispatch.start_worker(window_s=30.0)
    try:
        dispatch.publish(event(1, {10}, H, 1, 1))
        assert heard == []  # waiting for its window, not run by the publisher
    finally:
        dispatch.stop_worker()
    assert len(heard) == 1


def test_a_failing_listener_neither_stops_the_worker_nor_the_other_listeners(
    heard: list[tuple[CommittedData, str]],
) -> None:
    def broken(_: CommittedData) -> None:
        raise ValueError("listener bug")

    listeners.register(broken)
    worker = LiveWorker(window_s=0.0).start()
    try:
        worker.put(event(1, {10}, H, 1, 1))
        assert not worker.flush(0.5)  # not delivered while a listener fails
        worker.put(event(1, {10}, H + timedelta(hours=1), 1, 2))
        assert not worker.flush(0.5)
        assert worker.status().failing == 2
    finally:
        worker.stop()
        listeners.unregister(broken)
    assert [e.start for e, _ in heard] == [H, H + timedelta(hours=1)]  # each heard once


def test_a_failed_call_is_retried_for_that_listener_only(
    heard: list[tuple[CommittedData, str]],
) -> None:
    failures = [ValueError("database busy")]
    retried: list[CommittedData] = []

    def flaky(e: CommittedData) -> None:
        if failures:
            raise failures.pop()
        retried.append(e)

    listeners.register(flaky)
    worker = LiveWorker(window_s=0.0).start()
    try:
        worker.put(event(1, {10}, H, 1, 1))
        assert worker.flush(10)  # the flush retries at once
        assert worker.status() == dispatch.LiveStatus(True, 0, False, worker.delivered, 0)
    finally:
        worker.stop()
        listeners.unregister(flaky)
    assert len(heard) == 1  # the healthy listener was not called again
    assert [(e.enterprise_id, e.start) for e in retried] == [(1, H)]


def test_status_counts_pending_changes_until_they_are_delivered(
    heard: list[tuple[CommittedData, str]],
) -> None:
    assert dispatch.status() == dispatch.LiveStatus(False, 0, False, 0)
    worker = dispatch.start_worker(window_s=30.0)
    try:
        dispatch.publish(event(1, {10, 11}, H, 70, 1))  # two tags over two hours
        assert dispatch.status() == dispatch.LiveStatus(True, 4, False, 0)
        assert worker.flush(10)
        assert dispatch.status() == dispatch.LiveStatus(True, 0, False, 1, 0)
    finally:
        dispatch.stop_worker()
    assert len(heard) == 1


def test_events_are_heard_by_a_listener_or_a_running_worker() -> None:
    registered = listeners._listeners[:]
    listeners._listeners[:] = []
    try:
        assert not dispatch.heard()
        listeners.register(print)
        assert dispatch.heard()
        listeners.unregister(print)
        dispatch.start_worker(window_s=0.0)
        assert dispatch.heard()
    finally:
        dispatch.stop_worker()
        listeners._listeners[:] = registered
