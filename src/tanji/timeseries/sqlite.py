"""SQLite engine: WITHOUT ROWID tables, one IMMEDIATE transaction per write, ``executemany``.

The write lock is taken at BEGIN (IMMEDIATE), so the read-classify-write of a batch cannot race
another writer; a second writer waits up to the busy timeout instead of failing (ADR 0063).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from itertools import chain
from typing import Any

import numpy as np

from tanji.timeseries import rollups as ru
from tanji.timeseries.folding import pending_window
from tanji.timeseries.last_samples import FLAGGED, LastSamples
from tanji.timeseries.samples import (
    NO_EVIDENCE,
    ROLLUP_FIELDS,
    FloatArray,
    Int64Array,
    Resolution,
    RollupArrays,
    SampleArrays,
    SampleBatch,
)
from tanji.timeseries.store import BaseStore, Context

#: Pragmas of a connection the store opens itself (Django's come from ``database_settings``).
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=30000",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)
_COLUMNS = ", ".join(ROLLUP_FIELDS)
#: The rollup columns as read: a row that holds counter steps only (its samples' aggregates
#: still pending, ADR 0220) has no times, read as -1 as the PostgreSQL engine reads them.
_READ = ", ".join(
    f"coalesce({name}, -1)" if name.endswith("_ts") else name for name in ROLLUP_FIELDS
)
_ADD = f"""INSERT INTO timeseries_rollup AS r (tag_id, resolution, bucket, {_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)
    ON CONFLICT (tag_id, resolution, bucket) DO UPDATE SET
    count = r.count + excluded.count, sum = r.sum + excluded.sum,
    min = CASE WHEN r.min IS NULL OR excluded.min < r.min THEN excluded.min ELSE r.min END,
    max = CASE WHEN r.max IS NULL OR excluded.max > r.max THEN excluded.max ELSE r.max END,
    valid_count = r.valid_count + excluded.valid_count,
    valid_sum = r.valid_sum + excluded.valid_sum,
    first_value = CASE WHEN r.first_ts IS NULL OR excluded.first_ts < r.first_ts
        THEN excluded.first_value ELSE r.first_value END,
    first_ts = CASE WHEN r.first_ts IS NULL OR excluded.first_ts < r.first_ts
        THEN excluded.first_ts ELSE r.first_ts END,
    last_value = CASE WHEN r.last_ts IS NULL OR excluded.last_ts > r.last_ts
        THEN excluded.last_value ELSE r.last_value END,
    last_ts = CASE WHEN r.last_ts IS NULL OR excluded.last_ts > r.last_ts
        THEN excluded.last_ts ELSE r.last_ts END"""
_STEPS = f"""INSERT INTO timeseries_rollup AS r (tag_id, resolution, bucket, {_COLUMNS})
    VALUES (?, ?, ?, 0, 0, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, ?, ?)
    ON CONFLICT (tag_id, resolution, bucket) DO UPDATE SET
    increase = r.increase + excluded.increase, resets = r.resets + excluded.resets"""
#: Deferred changes: the aggregate upsert plus the counter steps (ADR 0220).
_FOLD = (
    _ADD.replace("?, 0, 0)", "?, ?, ?)")
    + ", increase = r.increase + excluded.increase, resets = r.resets + excluded.resets"
)
_PUT = f"""INSERT OR REPLACE INTO timeseries_rollup (tag_id, resolution, bucket, {_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_INSERT = """INSERT INTO timeseries_sample (tag_id, ts, value, flag, evidence_id, version)
    VALUES (?, ?, ?, ?, ?, 1)"""
_ARCHIVE = """INSERT INTO timeseries_sample_history
    (tag_id, ts, version, value, flag, evidence_id, superseded_at)
    SELECT tag_id, ts, version, value, flag, evidence_id, ?
    FROM timeseries_sample WHERE tag_id = ? AND ts = ?"""
_CORRECT = """UPDATE timeseries_sample SET value = ?, flag = ?, evidence_id = ?, version = ?
    WHERE tag_id = ? AND ts = ?"""
#: Pure appends of a deferred write land here until the folder moves them (ADR 0261).
_INSERT_RECENT = _INSERT.replace("INTO timeseries_sample ", "INTO timeseries_sample_recent ")
_SAMPLE_COLUMNS = "tag_id, ts, value, flag, evidence_id, version"
_ANY_RECENT = "SELECT 1 FROM timeseries_sample_recent LIMIT 1"
_MOVE_RECENT = (
    f"INSERT INTO timeseries_sample ({_SAMPLE_COLUMNS}) "
    f"SELECT {_SAMPLE_COLUMNS} FROM timeseries_sample_recent"
)
_PREVIOUS_VALID = """SELECT ts, value FROM (SELECT ts, value FROM timeseries_sample
        WHERE tag_id = ? AND ts < ? AND flag = 'N' ORDER BY ts DESC LIMIT 1)
    UNION ALL SELECT ts, value FROM (SELECT ts, value FROM timeseries_sample_recent
        WHERE tag_id = ? AND ts < ? AND flag = 'N' ORDER BY ts DESC LIMIT 1)
    ORDER BY ts DESC LIMIT 1"""


#: Spans (tag, lo, hi) per context statement: 3 parameters each, well under SQLite's 32 766.
_SPANS_PER_STATEMENT = 2000
_OLD_MANY = """WITH r(tag, lo, hi) AS (VALUES {values})
    SELECT s.tag_id, s.ts, s.value, s.flag, s.version FROM r CROSS JOIN timeseries_sample s
    WHERE s.tag_id = r.tag AND s.ts BETWEEN r.lo AND r.hi ORDER BY s.tag_id, s.ts"""
_EDGES_MANY = """WITH r(tag, lo, hi) AS (VALUES {values})
    SELECT s.tag_id, s.ts, s.value FROM r CROSS JOIN timeseries_sample s
    WHERE s.tag_id = r.tag AND s.ts = (SELECT e.ts FROM timeseries_sample e
        WHERE e.tag_id = r.tag AND e.ts < r.lo AND e.flag = 'N' ORDER BY e.ts DESC LIMIT 1)
    UNION ALL
    SELECT s.tag_id, s.ts, s.value FROM r CROSS JOIN timeseries_sample s
    WHERE s.tag_id = r.tag AND s.ts = (SELECT e.ts FROM timeseries_sample e
        WHERE e.tag_id = r.tag AND e.ts > r.hi AND e.flag = 'N' ORDER BY e.ts ASC LIMIT 1)"""
#: Each tag's last stored sample, in the order of the JSON array of tags: its time, or -1 where
#: the tag has none and -2 where it is not valid (flag other than N), and its value. A tag's
#: recent samples are later than all its others (ADR 0261), so a recent one is the last. Two key
#: seeks per tag and table; one statement text whatever the number of tags (prepared once).
_LAST = """SELECT CASE WHEN r.ts IS NOT NULL THEN CASE WHEN r.flag = 'N' THEN r.ts ELSE -2 END
        WHEN s.ts IS NULL THEN -1 WHEN s.flag = 'N' THEN s.ts ELSE -2 END,
    coalesce(r.value, s.value, 0.0)
    FROM json_each(?) j
    LEFT JOIN timeseries_sample_recent r ON r.tag_id = j.value
    AND r.ts = (SELECT max(e.ts) FROM timeseries_sample_recent e WHERE e.tag_id = j.value)
    LEFT JOIN timeseries_sample s ON s.tag_id = j.value
    AND s.ts = (SELECT max(e.ts) FROM timeseries_sample e WHERE e.tag_id = j.value)
    ORDER BY j.key"""


def json_array(values: Int64Array) -> str:
    """Integers as a JSON array (the text of one parameter, for ``json_each``)."""
    return json.dumps(values.tolist())


def evidence_column(evidence_id: Int64Array) -> list[int | None]:
    """Evidence ids as database parameters: ``None`` for :data:`NO_EVIDENCE`."""
    none = evidence_id == NO_EVIDENCE
    if not none.any():
        ids: list[int | None] = evidence_id.tolist()
        return ids
    if none.all():
        return [None] * evidence_id.shape[0]
    return [None if e == NO_EVIDENCE else e for e in evidence_id.tolist()]


def rollup_rows(tag_id: Any, resolution: Resolution, table: RollupArrays) -> Iterator[tuple]:  # type: ignore[type-arg]
    """Rows ``(tag_id, resolution, bucket, *ROLLUP_FIELDS)`` of a rollup table."""
    n = len(table)
    tags = [tag_id] * n if isinstance(tag_id, int) else tag_id.tolist()
    columns = [getattr(table, name).tolist() for name in ("bucket", *ROLLUP_FIELDS)]
    return zip(tags, [resolution.value] * n, *columns, strict=True)


class SqliteStore(BaseStore):
    """The store on one ``sqlite3`` connection (Django's or one opened with :data:`PRAGMAS`)."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        atomic: Callable[[bool], AbstractContextManager[object]] | None = None,
        last: LastSamples | None = None,
    ) -> None:
        self.db = connection
        self._atomic = atomic or self._immediate
        self._last = last  # the connection's memo of last samples, where commits are heard
        self._round: tuple[Int64Array, Int64Array] | None = None
        self._deferring = False  # the write under way defers: its pure appends go to recent

    @classmethod
    def for_django(cls, connection: Any) -> SqliteStore:
        """The store on a Django SQLite connection, inside Django's ``atomic`` blocks."""
        from django.db import transaction

        connection.ensure_connection()
        last = getattr(connection, "tanji_last_samples", None)
        if last is None or last.db is not connection.connection:  # first use, or reconnected
            last = LastSamples(
                connection.connection,
                lambda run: transaction.on_commit(run, using=connection.alias),
            )
            connection.tanji_last_samples = last
        return cls(
            connection.connection,
            lambda savepoint: transaction.atomic(using=connection.alias, savepoint=savepoint),
            last,
        )

    @classmethod
    def open(cls, path: str) -> SqliteStore:
        """A store on its own connection to the database file ``path`` (jobs, benchmarks)."""
        db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        for pragma in PRAGMAS:
            db.execute(pragma)
        return cls(db)

    @contextmanager
    def _immediate(self, savepoint: bool = True) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT on an autocommit connection; a savepoint when nested.

        Nested without ``savepoint``: the caller's transaction is the unit; nothing is added.
        """
        nested = self.db.in_transaction
        if nested and not savepoint:
            yield
            return
        self.db.execute("SAVEPOINT tanji_ts" if nested else "BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if nested:
                self.db.execute("ROLLBACK TO tanji_ts")
                self.db.execute("RELEASE tanji_ts")
            else:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("RELEASE tanji_ts" if nested else "COMMIT")

    def _transaction(self, savepoint: bool = True) -> AbstractContextManager[object]:
        return self._atomic(savepoint)

    def _prepare(self, batch: SampleBatch, deferring: bool) -> None:
        self._deferring = deferring  # its pure appends are parked (ADR 0261)

    def move_recent(self) -> int:
        """See :meth:`SampleStore.move_recent`: one transaction, every recent sample moved."""
        with self._transaction():
            return self._move_recent()

    def _move_recent(self) -> int:
        """Move the recent samples into the sample table, inside the caller's transaction.

        Every write that does not append to recent calls this first, so a tag's recent samples
        stay later than all its others and the two tables never hold the same (tag, time).
        """
        if self.db.execute(_ANY_RECENT).fetchone() is None:
            return 0
        moved = self.db.execute(_MOVE_RECENT).rowcount
        self.db.execute("DELETE FROM timeseries_sample_recent")
        return int(moved)

    def _context(self, tags: Int64Array, lo: Int64Array, hi: Int64Array) -> Context:
        """What is stored around the batch, from each tag's last sample where that suffices.

        The common case of live traffic is a tag whose every new sample is later than all it
        has stored: then nothing is stored in its span, nothing after it, and the last valid
        sample before it is its last sample, if that one is valid. One statement with two key
        seeks per tag settles this; the tags for which it does not (a sample at or before the
        stored ones: a re-sent, corrected or late reading; a flagged last sample) go through
        the general statements (:meth:`_general_context`). ADR 0248.
        """
        if self._last is None:
            ts, value = self._read_last(tags)
        else:  # the connection's memo where it knows the tag (ADR 0258)
            ts, value, known = self._last.look_up(tags)
            if not known.all():
                unknown = ~known
                ts[unknown], value[unknown] = self._read_last(tags[unknown])
        fresh = (ts < lo) & (ts != FLAGGED)
        edge = ts >= 0
        self._round = (tags[fresh], tags[~fresh])
        if fresh.all():
            return Context.of([], tags[edge], ts[edge], value[edge])
        slow = ~fresh
        self._move_recent()  # the general statements read the sample table only
        general = self._general_context(tags[slow], lo[slow], hi[slow])
        edge &= fresh
        return general.with_edges(tags[edge], ts[edge], value[edge])

    def _read_last(self, tags: Int64Array) -> tuple[Int64Array, FloatArray]:
        """Each tag's last sample as (time, value): one statement, two key seeks per tag."""
        rows = self.db.execute(_LAST, (json_array(tags),)).fetchall()
        if len(rows) != tags.shape[0]:  # pragma: no cover - json_each yields every element
            raise RuntimeError("the last-sample statement lost tags")
        last = np.fromiter(chain.from_iterable(rows), np.float64, 2 * len(rows))
        return last[0::2].astype(np.int64), last[1::2]  # times < 2**53: exact as floats

    def _general_context(self, tags: Int64Array, lo: Int64Array, hi: Int64Array) -> Context:
        """Existing rows and edge readings of every tag's span: two statements per chunk.

        One statement per tag (three with the edges) dominated group commits of HJ 212 frames,
        where each frame brings 20 tags with one sample each (ADR 0150); a ``VALUES`` table
        joined to the primary key does the same look-ups in one statement.
        """
        old: list[tuple[int, int, float, str, int]] = []
        edges: list[tuple[int, int, float]] = []
        cur = self.db.cursor()
        spans = list(zip(tags.tolist(), lo.tolist(), hi.tolist(), strict=True))
        for first in range(0, len(spans), _SPANS_PER_STATEMENT):
            part = spans[first : first + _SPANS_PER_STATEMENT]
            values = ",".join(["(?,?,?)"] * len(part))
            params = [x for span in part for x in span]
            old.extend(cur.execute(_OLD_MANY.format(values=values), params).fetchall())
            edges.extend(cur.execute(_EDGES_MANY.format(values=values), params).fetchall())
        return Context.from_rows(old, edges)

    def _store_samples(
        self, inserts: SampleBatch, corrections: SampleBatch, versions: Int64Array
    ) -> None:
        cur = self.db.cursor()
        appends_only = self._round is not None and not len(self._round[1]) and not len(corrections)
        to_recent = self._deferring and appends_only
        if not to_recent and len(inserts):
            self._move_recent()
        if len(inserts):
            cur.executemany(
                _INSERT_RECENT if to_recent else _INSERT,
                zip(
                    inserts.tag_id.tolist(),
                    inserts.ts.tolist(),
                    inserts.value.tolist(),
                    inserts.flag.tolist(),
                    evidence_column(inserts.evidence_id),
                    strict=True,
                ),
            )
        now = time.time_ns() // 1_000_000
        keys = list(zip(corrections.tag_id.tolist(), corrections.ts.tolist(), strict=True))
        cur.executemany(_ARCHIVE, ((now, tag, ts) for tag, ts in keys))
        cur.executemany(
            _CORRECT,
            (
                (value, flag, evidence, version, tag, ts)
                for value, flag, evidence, version, (tag, ts) in zip(
                    corrections.value.tolist(),
                    corrections.flag.tolist(),
                    evidence_column(corrections.evidence_id),
                    versions.tolist(),
                    keys,
                    strict=True,
                )
            ),
        )
        if self._last is not None and self._round is not None:
            fresh, others = self._round
            self._last.wrote(fresh, inserts, others)
        self._round = None

    def _add_rollups(self, resolution: Resolution, added: ru.TaggedRollups) -> None:
        rows = ((*row[:13],) for row in rollup_rows(added.tag_id, resolution, added.rollups))
        self.db.executemany(_ADD, rows)

    def _add_steps(self, resolution: Resolution, delta: ru.Steps) -> None:
        self.db.executemany(
            _STEPS,
            zip(
                delta.tag_id.tolist(),
                [resolution.value] * len(delta),
                delta.bucket.tolist(),
                delta.increase.tolist(),
                delta.resets.tolist(),
                strict=True,
            ),
        )

    def _put_rollups(self, tag_id: int, resolution: Resolution, table: RollupArrays) -> None:
        self.db.executemany(_PUT, rollup_rows(tag_id, resolution, table))

    def _fold_rows(
        self, resolution: Resolution, tags: Int64Array, table: RollupArrays, empty: np.ndarray
    ) -> None:
        rows: list[Any] = list(rollup_rows(tags, resolution, table))
        for i in np.flatnonzero(empty).tolist():  # counter steps only: no first/last
            row = list(rows[i])
            row[9] = row[11] = None
            rows[i] = row
        self.db.executemany(_FOLD, rows)

    def _sql(self, statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return self.db.execute(statement.replace("%s", "?"), params).fetchall()

    def _delete_pending(self, ids: list[int]) -> list[bytes]:
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"DELETE FROM timeseries_rollup_pending WHERE id IN ({marks}) RETURNING body", ids
        ).fetchall()
        return [row[0] for row in rows]

    def _select_rollups_and_pending(
        self, tag_id: int, resolution: Resolution, start: int, end: int
    ) -> tuple[RollupArrays, list[bytes]]:
        """One statement, so one snapshot: a fold cannot commit between the two parts."""
        lo, hi = pending_window(start, end)
        rows = self.db.execute(
            f"SELECT bucket, {_READ}, NULL FROM timeseries_rollup WHERE tag_id = ? "
            "AND resolution = ? AND bucket >= ? AND bucket < ? UNION ALL "
            f"SELECT {', '.join(['NULL'] * 13)}, body FROM timeseries_rollup_pending "
            "WHERE lo_tag <= ? AND hi_tag >= ? AND lo_bucket < ? AND hi_bucket >= ?",
            (tag_id, resolution.value, start, end, tag_id, tag_id, hi, lo),
        ).fetchall()
        bodies = [row[-1] for row in rows if row[-1] is not None]
        stored = sorted((row[:-1] for row in rows if row[-1] is None), key=lambda r: r[0])
        return RollupArrays.from_records(stored), bodies

    def _select_samples(self, tag_id: int, start: int, end: int, *, history: bool) -> SampleArrays:
        current = " UNION ALL ".join(
            "SELECT ts, value, flag, evidence_id, version FROM "
            f"{table} WHERE tag_id = ? AND ts >= ? AND ts < ?"
            for table in ("timeseries_sample", "timeseries_sample_recent")
        )
        sql = current + " ORDER BY ts"
        params: tuple[int, ...] = (tag_id, start, end) * 2
        if history:
            sql = (
                f"{current} UNION ALL SELECT ts, value, flag, evidence_id, version "
                "FROM timeseries_sample_history WHERE tag_id = ? AND ts >= ? AND ts < ? "
                "ORDER BY ts, version"
            )
            params = (tag_id, start, end) * 3
        rows = self.db.execute(sql, params).fetchall()
        return sample_arrays(rows)

    def _select_rollups(
        self, tag_id: int, resolution: Resolution, start: int, end: int
    ) -> RollupArrays:
        rows = self.db.execute(
            f"SELECT bucket, {_READ} FROM timeseries_rollup WHERE tag_id = ? "
            "AND resolution = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
            (tag_id, resolution.value, start, end),
        ).fetchall()
        return RollupArrays.from_records(rows)

    def _previous_valid(self, tag_id: int, before_ms: int) -> tuple[int, float] | None:
        row = self.db.execute(_PREVIOUS_VALID, (tag_id, before_ms) * 2).fetchone()
        return None if row is None else (int(row[0]), float(row[1]))


def sample_arrays(rows: list[tuple[Any, ...]]) -> SampleArrays:
    """:class:`SampleArrays` from rows ``(ts, value, flag, evidence_id, version)``."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * 5
    return SampleArrays(
        ts=np.array(cols[0], np.int64),
        value=np.array(cols[1], np.float64),
        flag=np.array(cols[2], "<U1"),
        evidence_id=np.array([NO_EVIDENCE if e is None else e for e in cols[3]], np.int64),
        version=np.array(cols[4], np.int64),
    )
