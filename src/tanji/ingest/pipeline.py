"""The pipeline: the ordered stages, quarantine of refusals, receipts and listeners.

:func:`ingest` is what every entry point calls. A refusal at any stage (any
:class:`~tanji.errors.CodedError`) is quarantined with its code and parameters and nothing else
changes; database failures are not refusals and propagate, so the sender retries. A receipt is
signed only for signed batches, after the commit returned (R4.2.2, uplink contract).
:func:`ingest_many` does the same for a group with one shared commit (group commit, ADR 0151).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tanji.errors import CodedError
from tanji.evidence.checkpoints import quarantine
from tanji.evidence.choices import TrustLevelChoices
from tanji.ingest import caches
from tanji.ingest.authenticate import authenticate
from tanji.ingest.backlog import events_of
from tanji.ingest.commit import receipt_for
from tanji.ingest.decode import decode
from tanji.ingest.dispatch import heard, publish
from tanji.ingest.grouped import GroupResults, commit_group
from tanji.ingest.model import Committed, Submission, Validated
from tanji.ingest.validate import validate
from tanji.trust.keys import PrivateKey

__all__ = ["Outcome", "ingest", "ingest_many", "received_now", "release_connection"]

ACCEPTED, DUPLICATE, REFUSED = "accepted", "duplicate", "refused"


def received_now() -> datetime:
    """The platform clock, truncated to the millisecond the log entry records."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class Outcome:
    """What the entry point answers: status, receipt (signed batches), or the refusal."""

    status: str
    receipt: bytes = b""
    envelope_id: int | None = None
    log_index: int | None = None
    samples: int = 0
    error: CodedError | None = None
    quarantine_id: int | None = None


def ingest(submission: Submission, *, key: PrivateKey | None = None) -> Outcome:
    """Run every stage on ``submission``; quarantine a refusal (see the module docstring).

    Args:
        submission: the input as received.
        key: the platform signing key for receipts; the process's key when omitted.
    """
    return ingest_many([submission], key=key)[0]


def ingest_many(
    submissions: Sequence[Submission], *, key: PrivateKey | None = None
) -> list[Outcome]:
    """Ingest a group: checks one by one, then ONE commit for every accepted submission.

    Authenticate, decode and validate run per submission; a refusal is quarantined on its own
    and never affects another. The accepted ones are de-duplicated and stored together
    (:func:`~tanji.ingest.grouped.commit_group`: one transaction, one log lock, one store
    write); receipts are signed and listeners told only after that commit. A database failure
    raises for the whole group: nothing of it was acknowledged, and every sender retries.

    Returns:
        One :class:`Outcome` per submission, in order.
    """
    outcomes: list[Outcome | None] = [None] * len(submissions)
    checked: list[tuple[int, Validated]] = []
    with caches.group_scope(s.device_id or (s.hj212.mn if s.hj212 else "") for s in submissions):
        for i, submission in enumerate(submissions):
            try:
                checked.append((i, validate(decode(authenticate(submission)))))
            except CodedError as error:
                outcomes[i] = _refuse(submission, error)
    committed = commit_group([v for _, v in checked]) if checked else []
    stored: list[Committed] = []
    signer = key
    for (i, validated), result in zip(checked, committed, strict=True):
        if isinstance(result, CodedError):
            outcomes[i] = _refuse(submissions[i], result)
            continue
        if validated.decoded.auth.trust_level == TrustLevelChoices.SIGNED:
            signer = signer or _platform_key()
        outcomes[i] = _outcome(result, signer)
        stored.append(result)
    if heard():  # the events are built only for someone (the live engine's listener, a worker)
        events = committed.events if isinstance(committed, GroupResults) else None
        for event in events_of(stored) if events is None else events:
            publish(event)
    return [o for o in outcomes if o is not None]


def _outcome(committed: Committed, key: PrivateKey | None) -> Outcome:
    """What the entry point answers for a committed submission (a receipt when signed)."""
    validated = committed.validated
    assert validated is not None
    signed = validated.decoded.auth.trust_level == TrustLevelChoices.SIGNED
    return Outcome(
        committed.status,
        receipt=receipt_for(committed, key) if signed and key is not None else b"",
        envelope_id=committed.envelope_id,
        log_index=committed.log_index,
        samples=len(validated.rows),
    )


def _refuse(submission: Submission, error: CodedError) -> Outcome:
    """Quarantine ``submission`` with the error's code and parameters."""
    entry = quarantine(
        channel=submission.channel,
        body=submission.body,
        reason=error.code,
        params=dict(error.params),
        received_at=submission.received_at,
        device_id=submission.device_id
        or (submission.hj212.mn if submission.hj212 is not None else ""),
        enterprise_id=submission.enterprise_id,
    )
    return Outcome(REFUSED, error=error, quarantine_id=entry.pk)


def _platform_key() -> PrivateKey:
    from tanji.evidence.signing import platform_key

    return platform_key()


def release_connection() -> None:
    """Close this thread's database connection (worker threads call it when they stop)."""
    from django.db import connection

    connection.close()
