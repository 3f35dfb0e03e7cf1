"""The pipeline: the ordered stages, quarantine of refusals, receipts and listeners.

:func:`ingest` is what every entry point calls. A refusal at any stage (any
:class:`~tanji.errors.CodedError`) is quarantined with its code and parameters and nothing else
changes; database failures are not refusals and propagate, so the sender retries. A receipt is
signed only for signed batches, after the commit returned (R4.2.2, uplink contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tanji.errors import CodedError
from tanji.evidence.checkpoints import quarantine
from tanji.evidence.choices import TrustLevelChoices
from tanji.ingest.authenticate import authenticate
from tanji.ingest.commit import commit, receipt_for
from tanji.ingest.decode import decode
from tanji.ingest.listeners import CommittedData, notify
from tanji.ingest.model import Committed, Submission
from tanji.ingest.validate import validate
from tanji.timeseries.samples import EPOCH
from tanji.trust.keys import PrivateKey

__all__ = ["Outcome", "ingest", "received_now", "release_connection"]

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
    try:
        auth = authenticate(submission)
        committed = commit(validate(decode(auth)))
    except CodedError as error:
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
    receipt = b""
    if auth.trust_level == TrustLevelChoices.SIGNED:
        receipt = receipt_for(committed, key or _platform_key())
    if committed.status == ACCEPTED:
        _notify(committed)
    return Outcome(
        committed.status,
        receipt=receipt,
        envelope_id=committed.envelope_id,
        log_index=committed.log_index,
        samples=len(committed.validated.rows) if committed.validated else 0,
    )


def _platform_key() -> PrivateKey:
    from tanji.evidence.signing import platform_key

    return platform_key()


def _notify(committed: Committed) -> None:
    validated = committed.validated
    if validated is None or not validated.rows:
        return
    times = [r[1] for r in validated.rows]
    notify(
        CommittedData(
            enterprise_id=validated.decoded.auth.enterprise_id,
            tag_ids=validated.tag_ids,
            start=EPOCH + _ms(min(times)),
            end=EPOCH + _ms(max(times)),
            envelope_id=committed.envelope_id,
        )
    )


def _ms(value: int) -> timedelta:
    return timedelta(milliseconds=value)


def release_connection() -> None:
    """Close this thread's database connection (worker threads call it when they stop)."""
    from django.db import connection

    connection.close()
