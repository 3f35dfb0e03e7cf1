"""Time-series store per engine: write rate with rollups, bytes per sample, chart reads, rebuild.

For each engine (SQLite file; PostgreSQL on a throw-away durable cluster from scripts/pg-up):

1. one line-year (30 tags x 525 600 minutes = 15.8 M samples) bulk-loaded straight into the
   sample table (bypassing the store, to keep the run short), then its rollups rebuilt through
   ``rebuild_rollups`` — the "recompute one line-year" figure;
2. the sustained write rate of ``store.write`` (classification + rollup maintenance, 10 000-row
   batches in arrival order) for the next 30 days of the same 30 tags, on top of that year;
3. bytes on disk per sample (samples + rollups);
4. chart reads for one tag: a 10-year daily and a 1-year hourly series, median of 7 reads. The
   10-year part is the rollup-equivalent of 10^8 samples: hourly/daily/monthly rollups of 20
   tag-decades (20 x 10 x 525 600 = 1.05 x 10^8 minutes) are SYNTHESISED directly in the rollup
   table, not derived from written samples.
"""

from __future__ import annotations

import importlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from tanji.timeseries.rollups import bucket_start
from tanji.timeseries.samples import ROLLUP_FIELDS, Resolution, SampleBatch

ROOT = Path(__file__).resolve().parents[1]
_TABLES = importlib.import_module("tanji.timeseries.migrations.0001_initial").DDL
_PENDING = importlib.import_module("tanji.timeseries.migrations.0002_rollup_pending").DDL
_RECENT = importlib.import_module("tanji.timeseries.migrations.0003_recent_samples").DDL
DDL = {
    vendor: [*statements, _PENDING[vendor], *_RECENT[vendor]]
    for vendor, statements in _TABLES.items()
}
TAGS, YEAR_MIN, EXTRA_MIN, BATCH = 30, 525_600, 30 * 1440, 10_000
T0 = 1_735_660_800_000  # 2025-01-01 00:00 CST
SYNTH_TAGS, SYNTH_YEARS = 20, 10
CEILING = {"sqlite": 446_000, "postgresql": 387_000}  # rows/s with PK(tag_id, ts), §4
TARGET = {"sqlite": 150_000, "postgresql": 200_000}
BYTES_CEILING = {"sqlite": 23.4, "postgresql": 92.0}  # bytes/row of the bare keyed table, §4
CHART_TARGET_S = 0.050


def _minutes(first: int, count: int) -> Iterator[SampleBatch]:
    """Arrival order: every tag's sample of a minute, then the next minute."""
    per = BATCH // TAGS
    rng = np.random.default_rng(first)
    for m0 in range(first, first + count, per):
        minute = np.arange(m0, min(m0 + per, first + count), dtype=np.int64)
        ts = np.repeat(T0 + minute * 60_000, TAGS)
        n = ts.shape[0]
        yield SampleBatch(
            np.tile(np.arange(1, TAGS + 1, dtype=np.int64), minute.shape[0]),
            ts,
            rng.normal(100.0, 0.5, n),
            np.full(n, "N", "<U1"),
            np.full(n, -1, np.int64),
        )


def _synthetic_rollups(resolution: Resolution) -> Iterator[tuple[Any, ...]]:
    """Rollup rows of SYNTH_TAGS tags over SYNTH_YEARS years (no samples behind them)."""
    minutes = np.arange(0, SYNTH_YEARS * YEAR_MIN, 60, dtype=np.int64)
    buckets = np.unique(
        bucket_start(T0 - SYNTH_YEARS * YEAR_MIN * 60_000 + minutes * 60_000, resolution)
    )
    n = buckets.shape[0]
    count = np.full(n, {"h": 60, "d": 1440, "m": 43_200}[resolution.value], np.int64)
    mean = 100.0 + np.sin(np.arange(n) / 50.0)
    columns = [
        buckets,
        count,
        mean * count,
        mean - 1,
        mean + 1,
        count,
        mean * count,
        buckets,
        mean,
        buckets + 1,
        mean,
        count * 1.0,
        np.zeros(n, np.int64),
    ]
    lists = [c.tolist() for c in columns]
    for tag in range(1001, 1001 + SYNTH_TAGS):
        yield from zip([tag] * n, [resolution.value] * n, *lists, strict=True)


class Engine:
    """What differs per engine: opening, bulk loading, sizing."""

    name = ""

    def __init__(self) -> None:
        self.store: Any = None

    def bulk_samples(self, rows: Iterator[SampleBatch]) -> None:
        raise NotImplementedError

    def bulk_rollups(self, rows: Iterator[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def size_bytes(self) -> int:
        raise NotImplementedError

    def server_cpu(self) -> float:
        """CPU seconds the database server process used so far (0: the engine is in-process)."""
        return 0.0

    def close(self) -> None:
        """Release the database."""


class SqliteEngine(Engine):
    name = "sqlite"

    def __init__(self, directory: str) -> None:
        from tanji.timeseries.sqlite import SqliteStore

        self.path = str(Path(directory) / "bench.sqlite3")
        self.store = SqliteStore.open(self.path)
        for statement in DDL["sqlite"]:
            self.store.db.execute(statement)

    def bulk_samples(self, rows: Iterator[SampleBatch]) -> None:
        db = self.store.db
        for b in rows:
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO timeseries_sample VALUES (?, ?, ?, ?, NULL, 1)",
                zip(
                    b.tag_id.tolist(), b.ts.tolist(), b.value.tolist(), b.flag.tolist(), strict=True
                ),
            )
            db.execute("COMMIT")

    def bulk_rollups(self, rows: Iterator[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * (3 + len(ROLLUP_FIELDS)))
        self.store.db.execute("BEGIN")
        self.store.db.executemany(f"INSERT INTO timeseries_rollup VALUES ({marks})", rows)
        self.store.db.execute("COMMIT")

    def size_bytes(self) -> int:
        self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Path(self.path).stat().st_size


class PostgresEngine(Engine):
    name = "postgresql"

    def __init__(self, url: str) -> None:
        from tanji.timeseries.postgresql import PostgresStore, ensure_partitions

        self.store = PostgresStore.open(url)
        for statement in DDL["postgresql"]:
            self.store.db.execute(statement)
        ensure_partitions(self.store.db, T0, T0 + (YEAR_MIN + EXTRA_MIN) * 60_000)

    def bulk_samples(self, rows: Iterator[SampleBatch]) -> None:
        db = self.store.db
        cursor = db.cursor()
        for b in rows:
            with (
                db.transaction(),
                cursor.copy(
                    "COPY timeseries_sample (tag_id, version, ts, value, flag) "
                    "FROM STDIN (FORMAT BINARY)"
                ) as copy,
            ):
                copy.set_types(["int4", "int4", "int8", "float8", "text"])
                for row in zip(
                    b.tag_id.tolist(),
                    [1] * len(b),
                    b.ts.tolist(),
                    b.value.tolist(),
                    b.flag.tolist(),
                    strict=True,
                ):
                    copy.write_row(row)
        db.execute("VACUUM ANALYZE timeseries_sample")

    def bulk_rollups(self, rows: Iterator[tuple[Any, ...]]) -> None:
        with self.store.db.cursor().copy("COPY timeseries_rollup FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        self.store.db.execute("VACUUM ANALYZE timeseries_rollup")

    def size_bytes(self) -> int:
        row = self.store.db.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "WHERE c.relname LIKE 'timeseries_%' AND c.relkind IN ('r', 'p')"
        ).fetchone()
        return int(row[0])

    def server_cpu(self) -> float:
        """User + system CPU of this connection's backend (the cluster runs on this machine)."""
        pid = self.store.db.info.backend_pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.store.db.close()


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _median_read(
    store: Any, tag: int, resolution: Resolution, start: int, end: int
) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(7):
        started = time.perf_counter()
        rows = len(store.read_rollups(tag, resolution, start, end))
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def _write_rate(engine: Engine, batches: list[SampleBatch]) -> tuple[float, float, float]:
    """Samples/s of ``store.write``, and µs of client and server CPU per sample."""
    n = sum(len(b) for b in batches)
    cpu = time.process_time(), engine.server_cpu()
    rate = n / _timed(lambda: [engine.store.write(b) for b in batches])
    client_us = (time.process_time() - cpu[0]) / n * 1e6
    server_us = (engine.server_cpu() - cpu[1]) / n * 1e6
    return rate, client_us, server_us


def _measure(engine: Engine, rows_out: list[str]) -> Iterator[str]:
    store, name = engine.store, engine.name
    year_end = T0 + YEAR_MIN * 60_000
    load = _timed(lambda: engine.bulk_samples(_minutes(0, YEAR_MIN)))
    yield f"{name}: bulk-loaded one line-year ({TAGS * YEAR_MIN:,} samples) in {load:.0f} s"
    rebuild = _timed(lambda: [store.rebuild_rollups(t, T0, year_end) for t in range(1, TAGS + 1)])
    yield f"{name}: rebuild one line-year of rollups from the store: {rebuild:.1f} s"
    batches = list(_minutes(YEAR_MIN, EXTRA_MIN))
    n = sum(len(b) for b in batches)
    rate, client_us, server_us = _write_rate(engine, batches)
    yield (
        f"{name}: store.write with rollups, {n:,} samples on top of the year: {rate:,.0f}/s "
        f"(target {TARGET[name]:,}, {rate / CEILING[name]:.2f} x the bare-insert ceiling "
        f"{CEILING[name]:,}; load {os.getloadavg()[0]:.1f})"
    )
    yield (
        f"{name}: CPU per sample: client {client_us:.2f} µs + server {server_us:.2f} µs "
        f"= {1e6 / (client_us + server_us):,.0f} samples per CPU-second (load-independent)"
    )
    per_sample = engine.size_bytes() / (TAGS * (YEAR_MIN + EXTRA_MIN))
    yield f"{name}: {per_sample:.1f} bytes on disk per sample (samples + their rollups)"
    engine.bulk_rollups(r for res in Resolution for r in _synthetic_rollups(res))
    ten = _median_read(store, 1001, Resolution.DAY, T0 - SYNTH_YEARS * YEAR_MIN * 60_000, T0)
    one = _median_read(store, 1, Resolution.HOUR, T0, year_end)
    yield (
        f"{name}: 10-year daily read {ten[0] * 1000:.1f} ms ({ten[1]} rows, synthesised "
        f"rollups); 1-year hourly read {one[0] * 1000:.1f} ms ({one[1]} rows, real)"
    )
    day = time.strftime("%Y-%m-%d")
    size_ceiling = BYTES_CEILING[name]
    rows_out += [
        f"| {day} | timeseries {name}: write + rollups | {rate:,.0f} samples/s | "
        f"≥ {TARGET[name]:,} | {CEILING[name]:,} rows/s bare insert | {rate / CEILING[name]:.2f} |",
        f"| {day} | timeseries {name}: bytes per sample | {per_sample:.1f} B | – | "
        f"{size_ceiling} B bare table | {per_sample / size_ceiling:.2f} |",
        f"| {day} | timeseries {name}: 10-y daily / 1-y hourly read | {ten[0] * 1000:.1f} / "
        f"{one[0] * 1000:.1f} ms | < 50 ms | – | – |",
        f"| {day} | timeseries {name}: rebuild line-year rollups | {rebuild:.1f} s | – | "
        f"{22.2 if name == 'sqlite' else 9.1} s GROUP BY daily, 100 tags (§5) | – |",
    ]


def _contention() -> str:
    """How busy the machine is: load average and a fixed Python loop's time (idle: ~0.15 s)."""
    started = time.perf_counter()
    sum(range(10**7))
    return f"load {os.getloadavg()[0]:.1f}, reference loop {time.perf_counter() - started:.2f} s"


def run() -> Iterator[str]:
    """Both engines in turn; PostgreSQL only where a cluster can be started."""
    yield f"machine at start: {_contention()}"
    rows: list[str] = []
    directory = tempfile.mkdtemp(prefix="tanji-bench-ts-")
    try:
        engine = SqliteEngine(directory)
        yield from _measure(engine, rows)
        engine.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    started = subprocess.run(
        [str(ROOT / "scripts" / "pg-up"), "--durable"], capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        yield f"postgresql: skipped ({started.stderr.strip()[:200]})"
    else:
        env = dict(
            line.removeprefix("export ").split("=", 1)
            for line in started.stdout.split("\n")
            if line
        )
        env = {k: v.strip("'") for k, v in env.items()}
        try:
            engine = PostgresEngine(env["TANJI_TEST_DATABASE_URL"])
            yield from _measure(engine, rows)
            engine.close()
        finally:
            subprocess.run([str(ROOT / "scripts" / "pg-down"), env["TANJI_PG_DIR"]], check=False)
    yield f"machine at end: {_contention()}"
    yield "rows for docs/performance.md:"
    yield from rows
