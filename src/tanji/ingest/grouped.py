"""Stages 4–5 for a group: de-duplicate and commit many validated submissions at once.

Contract of :func:`commit_group`: inside ONE transaction, with the log locked once, each item
is classified in order — already stored (same device and ``seq``, or without ``seq`` the same
digest) → ``duplicate`` of the stored envelope; the same key earlier in this group → duplicate
of that one; a different envelope under a used ``seq`` (stored or earlier in the group) →
:class:`~tanji.ingest.model.Refused` ``ingest.seq_reused``; otherwise new. The new ones get
consecutive log leaves (one batched Merkle append), one multi-row envelope insert and ONE
store write in group order, so a device's readings keep their arrival order. The result list
is parallel to the input. Per-item semantics equal :func:`tanji.ingest.commit.commit` applied
in order; what is shared is the transaction, the lock and the fsync (ADR 0151).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.db import connection, transaction

from tanji.evidence.log import append_envelopes, lock_log
from tanji.evidence.models import RawEnvelope
from tanji.ingest import dispatch
from tanji.ingest.listeners import CommittedData
from tanji.ingest.model import Committed, Refused, Validated
from tanji.ingest.raw_rows import chunks, marks, row_marks
from tanji.timeseries.samples import SampleBatch
from tanji.timeseries.store import store_for

__all__ = ["GroupResults", "commit_group"]

Result = Committed | Refused


def _key(validated: Validated, digest: str) -> Hashable | None:
    decoded = validated.decoded
    device = decoded.auth.device
    if device is None:  # people's entries: never de-duplicated (as one by one)
        return None
    if decoded.seq is not None:
        return ("seq", device.pk, decoded.seq)
    return ("sha", device.pk, digest)


def _stored(keys: Sequence[Hashable | None]) -> dict[Hashable, RawEnvelope]:
    """The stored envelopes the group's keys name.

    Usually none are: one plain query per kind of key finds the candidates' ids (building ORM
    queries cost ≈ 20 µs per HJ 212 frame, ADR 0221's kind of saving); only candidates found are
    loaded as model instances.
    """
    seq = [k for k in keys if isinstance(k, tuple) and k[0] == "seq"]
    sha = [k for k in keys if isinstance(k, tuple) and k[0] == "sha"]
    by_seq: set[int] = set()
    by_sha: set[int] = set()
    with connection.cursor() as cursor:
        if seq:
            devices, numbers = sorted({k[1] for k in seq}), sorted({k[2] for k in seq})
            cursor.execute(
                f"SELECT id FROM {_ENVELOPES} WHERE device_id IN ({marks(len(devices))}) "
                f"AND seq IN ({marks(len(numbers))})",
                [*devices, *numbers],
            )
            by_seq.update(row[0] for row in cursor.fetchall())
        if sha:
            digests = sorted({k[2] for k in sha})
            cursor.execute(
                f"SELECT id FROM {_ENVELOPES} WHERE sha256 IN ({marks(len(digests))})", digests
            )
            by_sha.update(row[0] for row in cursor.fetchall())
    found: dict[Hashable, RawEnvelope] = {}
    if by_seq or by_sha:
        fields = ("pk", "device_id", "seq", "log_index", "sha256", "received_at")
        for r in RawEnvelope.objects.filter(pk__in=by_seq | by_sha).only(*fields):
            if r.pk in by_seq:
                found[("seq", r.device_id, r.seq)] = r
            if r.pk in by_sha:
                found[("sha", r.device_id, r.sha256)] = r
    return found


def _seq_reused(validated: Validated) -> Refused:
    device = validated.decoded.auth.device
    assert device is not None
    return Refused(
        "ingest.seq_reused",
        "device {device} already sent a different envelope under seq {seq}",
        device=device.device_id,
        seq=validated.decoded.seq,
    )


def _classify(
    items: Sequence[Validated], digests: Sequence[str], results: list[Result | None]
) -> tuple[list[int], list[tuple[int, int]]]:
    """Fill duplicates/refusals of stored keys; return new indices and in-group duplicates."""
    keys = [_key(v, d) for v, d in zip(items, digests, strict=True)]
    stored = _stored(keys)
    fresh: list[int] = []
    first: dict[Hashable, int] = {}
    repeats: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        found = stored.get(key) if key is not None else None
        if found is not None:
            same = found.sha256 == digests[i]
            results[i] = (
                Committed(found.pk, found.log_index, "duplicate", items[i], found.received_at)
                if same
                else _seq_reused(items[i])
            )
        elif key is not None and key in first:
            j = first[key]
            if digests[j] == digests[i]:
                repeats.append((i, j))
            else:
                results[i] = _seq_reused(items[i])
        else:
            if key is not None:
                first[key] = i
            fresh.append(i)
    return fresh, repeats


class GroupResults(list[Result]):
    """A group's results in input order, with the live events its commit backlogged.

    ``events`` is ``None`` when no live worker runs (nothing was backlogged); the caller then
    builds the events itself if anyone listens (ADR 0235).
    """

    events: list[CommittedData] | None = None


def commit_group(items: Sequence[Validated]) -> GroupResults:
    """De-duplicate and store a group (see the module docstring)."""
    digests = [hashlib.sha256(v.decoded.auth.submission.body).hexdigest() for v in items]
    results: list[Result | None] = [None] * len(items)
    events = None
    with transaction.atomic():
        lock_log()
        fresh, repeats = _classify(items, digests, results)
        if fresh:
            _write([items[i] for i in fresh], [digests[i] for i in fresh], fresh, results)
            events = dispatch.committing(
                [r for i in fresh if isinstance(r := results[i], Committed)]
            )
    for i, j in repeats:
        original = results[j]
        assert isinstance(original, Committed)
        results[i] = Committed(
            original.envelope_id, original.log_index, "duplicate", items[i], original.committed_at
        )
    assert all(r is not None for r in results)
    done = GroupResults(results)  # type: ignore[arg-type]
    done.events = events
    return done


def _write(
    items: list[Validated], digests: list[str], where: list[int], results: list[Result | None]
) -> None:
    """Log leaves, envelopes and samples of the new items (inside the caller's transaction)."""
    subs = [v.decoded.auth.submission for v in items]
    first = append_envelopes([(s.body, s.received_at) for s in subs])
    envelopes = _insert_envelopes(
        [_envelope(v, d, first + n) for n, (v, d) in enumerate(zip(items, digests, strict=True))]
    )
    counts = [len(v.rows) for v in items]
    rows = [row for v in items for row in v.rows]
    if rows:
        store_for(connection).write(
            SampleBatch(
                tag_id=np.fromiter((r[0] for r in rows), np.int64, len(rows)),
                ts=np.fromiter((r[1] for r in rows), np.int64, len(rows)),
                value=np.fromiter((r[2] for r in rows), np.float64, len(rows)),
                flag=np.array([r[3] for r in rows], dtype="<U1"),
                evidence_id=np.repeat(np.array(envelopes, np.int64), counts),
            ),
            savepoint=False,  # a failure rolls the whole group back (module docstring)
        )
    now = datetime.now(UTC)
    for n, (i, envelope) in enumerate(zip(where, envelopes, strict=True)):
        results[i] = Committed(envelope, first + n, "accepted", items[n], now)


_ENVELOPES = RawEnvelope._meta.db_table
#: 11 parameters a row: well under SQLite's 32 766 per statement.
_ROWS_PER_STATEMENT = 1000
#: The envelope columns :func:`_envelope` fills, in its order.
_ENVELOPE_COLUMNS = (
    "enterprise_id, device_id, submitted_by_id, channel, trust_level, body, sha256, seq, "
    "received_at, log_index, sample_count"
)


def _envelope(validated: Validated, digest: str, index: int) -> tuple[Any, ...]:
    auth = validated.decoded.auth
    sub = auth.submission
    return (
        auth.enterprise_id,
        auth.device.pk if auth.device is not None else None,
        sub.actor.user_id if sub.actor is not None else None,
        sub.channel,
        auth.trust_level,
        sub.body,
        digest,
        validated.decoded.seq,
        connection.ops.adapt_datetimefield_value(sub.received_at),
        index,
        len(validated.rows),
    )


def _insert_envelopes(rows: list[tuple[Any, ...]]) -> list[int]:
    """Insert envelope rows in one statement; their ids, in the rows' order.

    Plain SQL rather than ``bulk_create``: building model instances and compiling them cost a
    tenth of an HJ 212 group commit (ADR 0221). Ids are matched by the unique log index.
    """
    ids: dict[int, int] = {}
    with connection.cursor() as cursor:
        for part in chunks(rows, _ROWS_PER_STATEMENT):
            values = row_marks(len(part), len(part[0]))
            cursor.execute(
                f"INSERT INTO {_ENVELOPES} ({_ENVELOPE_COLUMNS}) VALUES {values} "
                "RETURNING id, log_index",
                [value for row in part for value in row],
            )
            ids.update((index, pk) for pk, index in cursor.fetchall())
    return [ids[row[9]] for row in rows]
