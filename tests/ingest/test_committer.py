"""Committers group what arrives together, answer each caller, and fail a group as a whole."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from tanji.ingest import committer as committer_module
from tanji.ingest.committer import Committer, SharedCommit
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import Outcome

NOW = datetime(2025, 6, 10, tzinfo=UTC)


def submission(n: int) -> Submission:
    return Submission(body=str(n).encode(), channel="https", received_at=NOW)


class Recorder:
    """A stand-in for ``ingest_many`` that records its groups (slowly, as a commit is)."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.groups: list[list[bytes]] = []
        self.fail_on = fail_on

    def __call__(self, subs: list[Submission]) -> list[Outcome]:
        time.sleep(0.02)
        self.groups.append([s.body for s in subs])
        if self.fail_on is not None and any(s.body == str(self.fail_on).encode() for s in subs):
            raise OSError("disk full")
        return [Outcome("accepted", samples=int(s.body)) for s in subs]


def test_committer_groups_concurrent_arrivals_and_keeps_their_order() -> None:
    recorder = Recorder()
    committer = Committer(max_group=4, max_wait_s=0.05, ingest=recorder)
    try:
        futures = [committer.submit(submission(n)) for n in range(10)]
        assert [f.result(5).samples for f in futures] == list(range(10))
    finally:
        committer.close()
    assert [len(g) for g in recorder.groups] == [4, 4, 2]
    assert [b for g in recorder.groups for b in g] == [str(n).encode() for n in range(10)]
    assert (committer.groups, committer.submitted) == (3, 10)


def test_a_failed_commit_fails_every_caller_of_that_group_only() -> None:
    recorder = Recorder(fail_on=1)
    committer = Committer(max_group=2, max_wait_s=0.05, ingest=recorder)
    try:
        futures = [committer.submit(submission(n)) for n in range(4)]
        with pytest.raises(OSError, match="disk full"):
            futures[0].result(5)
        with pytest.raises(OSError, match="disk full"):
            futures[1].result(5)
        assert [f.result(5).samples for f in futures[2:]] == [2, 3]
    finally:
        committer.close()


def test_close_commits_what_is_queued_and_refuses_new_work() -> None:
    recorder = Recorder()
    committer = Committer(max_wait_s=1.0, ingest=recorder)
    future = committer.submit(submission(7))
    committer.close()
    assert future.result(0).samples == 7
    with pytest.raises(RuntimeError):
        committer.submit(submission(8))


def test_shared_commit_lets_one_thread_commit_for_those_waiting_behind_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder()
    monkeypatch.setattr(committer_module, "ingest_many", recorder)
    shared = SharedCommit(max_group=8)
    answers: dict[int, int] = {}

    def request(n: int) -> None:
        answers[n] = shared.ingest(submission(n)).samples

    threads = [threading.Thread(target=request, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert answers == {n: n for n in range(12)}
    assert sorted(b for g in recorder.groups for b in g) == sorted(
        str(n).encode() for n in range(12)
    )
    assert shared.submitted == 12
    assert shared.groups < 12  # requests arriving during a commit joined the next one
