"""The sample store under HJ 212 group commits: CPU per frame of the write and of the fold.

The traffic of ``bench_ingest``'s HJ 212 part without sockets or the ingest pipeline: 100
loggers (one per enterprise) × 30 minute frames with 20 factors — 2 000 distinct tags, one
sample per tag and frame — committed in groups of 54 frames at 1 000 frames/s, in the order
the gateway receives them (every logger's minute, then the next minute). Each group is written
the way ``tanji.ingest.grouped`` writes it: ``store_for(connection).write(SampleBatch(…))`` inside
``transaction.atomic()``, with the roll-up folder running (rollups deferred, ADR 0220) and its
work flushed at the end. Figures: CPU µs per frame of the committing thread's ``write`` and of
the folder thread (each thread's own CPU clock), the write's wall time beyond its CPU (waiting,
mostly for SQLite's write lock while the folder holds it, or for a core), and what the stored
rollups add up to (so a faster run that lost data would show). The same passes are then run on
one thread, folding after every second's worth of frames: steadier on a busy machine.

Runs on a throw-away SQLite file (or PostgreSQL when ``TANJI_BENCH_DATABASE_URL`` names one).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

LOGGERS, FRAMES, FACTORS, GROUP = 100, 30, 20, 54
REPEATS = 3  # passes over fresh tags, each its own 30 minutes; the figures are per pass
#: Frames per second the groups are committed at: bench_ingest's HJ 212 rate, so the folder's
#: one-second window covers as many frames of a tag as there (10 minutes of each logger).
RATE = 1000.0
T0 = 1_748_707_200_000  # 2025-06-01 00:00 China Standard Time


def _setup() -> None:
    os.environ["TANJI_DATA_DIR"] = tempfile.mkdtemp(prefix="tanji-bench-store-")
    os.environ["TANJI_DEMO"] = "true"  # a throw-away secret key
    if os.environ.get("TANJI_BENCH_DATABASE_URL"):
        os.environ["TANJI_DATABASE_URL"] = os.environ["TANJI_BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "timeseries", verbosity=0)


def groups(first_tag: int) -> Iterator[tuple[int, Any]]:
    """``(frames, SampleBatch)`` of each group commit of one pass, in arrival order."""
    from tanji.timeseries.samples import SampleBatch

    rng = np.random.default_rng(first_tag)
    minute, logger = np.divmod(np.arange(LOGGERS * FRAMES), LOGGERS)
    for start in range(0, LOGGERS * FRAMES, GROUP):
        m, lg = minute[start : start + GROUP], logger[start : start + GROUP]
        n = m.shape[0] * FACTORS
        tag = (first_tag + lg[:, None] * FACTORS + np.arange(FACTORS)).reshape(-1)
        yield (
            m.shape[0],
            SampleBatch(
                tag_id=tag.astype(np.int64),
                ts=np.repeat(T0 + m * 60_000, FACTORS).astype(np.int64),
                value=np.round(rng.uniform(5.0, 50.0, n), 2),
                flag=np.full(n, "N", "<U1"),
                evidence_id=np.repeat(np.arange(start, start + m.shape[0]) + 1, FACTORS),
            ),
        )


def _thread_cpu(thread: Any) -> float:
    return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


def _pass(first_tag: int) -> dict[str, float]:
    """One pass: write every group, flush the folder; CPU and wall seconds spent."""
    from django.db import connection, transaction

    from tanji.timeseries.folder import _slot, flush_folder
    from tanji.timeseries.store import store_for

    folder = _slot.worker
    assert folder is not None
    fold_cpu = _thread_cpu(folder._thread)
    write_cpu = write_wall = 0.0
    frames = 0
    started = time.perf_counter()
    for count, batch in groups(first_tag):
        time.sleep(max(0.0, started + frames / RATE - time.perf_counter()))
        wall, cpu = time.perf_counter(), time.thread_time()
        with transaction.atomic():
            store_for(connection).write(batch)
        write_cpu += time.thread_time() - cpu
        write_wall += time.perf_counter() - wall
        frames += count
    flush_folder()
    return {
        "frames": frames,
        "write": write_cpu,
        "wait": write_wall - write_cpu,
        "fold": _thread_cpu(folder._thread) - fold_cpu,
    }


def _inline_pass(first_tag: int) -> dict[str, float]:
    """One pass on one thread: deferred writes, and a fold after every second's worth of frames.

    No folder thread, no pacing: the same coalescing as the folder's one-second window at
    :data:`RATE`, without two threads sharing the cores (steadier figures on a busy machine).
    """
    from django.db import connection, transaction

    from tanji.timeseries.folder import fold_all
    from tanji.timeseries.store import store_for

    write_cpu = fold_cpu = 0.0
    frames = 0
    for count, batch in groups(first_tag):
        cpu = time.thread_time()
        with transaction.atomic():
            store_for(connection).write(batch, defer=True)
        write_cpu += time.thread_time() - cpu
        frames += count
        if frames % RATE < count or frames == LOGGERS * FRAMES:
            cpu = time.thread_time()
            fold_all()
            fold_cpu += time.thread_time() - cpu
    return {"frames": frames, "write": write_cpu, "wait": 0.0, "fold": fold_cpu}


def _check(first_tag: int) -> str:
    """The stored month rollups of the pass's tags against what was written."""
    from django.db import connection

    from tanji.timeseries.samples import Resolution
    from tanji.timeseries.store import store_for

    store = store_for(connection)
    count = 0
    total = 0.0
    for tag in range(first_tag, first_tag + LOGGERS * FACTORS, 97):
        month = store.read_rollups(tag, Resolution.MONTH, T0 - 40 * 86_400_000, T0 + 86_400_000)
        count += int(month.count.sum())
        total += float(month.valid_sum.sum())
    return f"{count} samples in checked month rollups (sum {total:.2f})"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f}"


def run() -> Iterator[str]:
    """Passes over fresh tags (the first warms the process up and is not counted)."""
    _setup()
    from django.db import connection

    from tanji.timeseries.folder import start_folder, stop_folder

    start_folder()
    yield f"database: {connection.vendor}; {_load()}"
    try:
        threaded = [_pass(1 + n * LOGGERS * FACTORS) for n in range(REPEATS + 1)][1:]
    finally:
        stop_folder()
    first = 1 + (REPEATS + 1) * LOGGERS * FACTORS
    inline = [_inline_pass(first + n * LOGGERS * FACTORS) for n in range(REPEATS)]
    for name, results in (("folder thread", threaded), ("one thread", inline)):
        for n, r in enumerate(results, start=1):
            per = 1e6 / r["frames"]
            yield (
                f"{name}, pass {n}: {r['frames']:.0f} frames in groups of {GROUP} ({FACTORS} "
                f"tags each, {LOGGERS * FACTORS} tags): store write {r['write'] * per:.0f} "
                f"µs/frame CPU (+{r['wait'] * per:.0f} µs waiting), fold "
                f"{r['fold'] * per:.0f} µs/frame CPU, together "
                f"{(r['write'] + r['fold']) * per:.0f} µs/frame"
            )
    yield _check(1 + LOGGERS * FACTORS)
    yield _load()
