"""``kill -9`` while many devices share group commits: no acknowledged upload is lost or doubled.

Eight loggers stream at once, so their uploads are committed in groups; the gateway is killed
while groups are in flight. Each device then resends from its first unacknowledged minute
(HJ 212 devices resend until answered). Every minute of every device must be stored exactly
once, and everything acknowledged before the kill must be among it; the rollups, maintained
off the acknowledgement path, must equal the samples after the restart.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tanji.timeseries.samples import ts_ms
from tests.gateways.hj212_tcp.harness import connect
from tests.gateways.test_gateway_process import (
    ROOT,
    T0,
    _no_stray_environment,  # noqa: F401 - the autouse fixture of these process tests
    environment,
    start_gateway,
    upload,
)

DEVICES, MINUTES, KILL_AFTER = 8, 30, 60
MNS = [f"42010000A8900016F{n:07d}" for n in range(1, DEVICES + 1)]


async def device(port: int, mn: str, first: int, acked: list[int]) -> int:
    """Send ``first…`` until the end or the first upload left unanswered; return that minute."""
    client = await connect(("127.0.0.1", port))
    try:
        for minute in range(first, MINUTES):
            await client.send(upload(minute, mn))
            answer = await client.receive(timeout=10.0)
            if answer is None or answer.cn != 9014:
                return minute
            acked.append(minute)
    except ConnectionError:
        return minute
    finally:
        await client.close()
    return MINUTES


async def streams(port: int, resume: list[int], gateway: subprocess.Popen[str] | None) -> list[int]:
    acked: list[list[int]] = [[] for _ in MNS]

    async def killer() -> None:
        while sum(map(len, acked)) < KILL_AFTER:
            await asyncio.sleep(0.001)
        assert gateway is not None
        gateway.send_signal(signal.SIGKILL)  # groups of the other devices are in flight

    tasks = [device(port, mn, resume[n], acked[n]) for n, mn in enumerate(MNS)]
    if gateway is not None:
        results = await asyncio.gather(*tasks, killer())
        return list(results[:-1])
    return list(await asyncio.gather(*tasks))


def test_kill_during_group_commits_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    env = environment(tmp_path)
    seed = ["-m", "tests.gateways.seed", "loggers", str(DEVICES)]
    for command in (["-m", "tanji", "manage", "migrate", "-v0"], seed):
        subprocess.run([sys.executable, *command], env=env, check=True, cwd=ROOT)
    gateway, port = start_gateway(env)
    resume = asyncio.run(streams(port, [0] * DEVICES, gateway))
    gateway.wait()
    assert gateway.stdout is not None
    gateway.stdout.close()
    assert 0 < sum(resume) < DEVICES * MINUTES  # killed mid-stream
    gateway, port = start_gateway(env)
    try:
        assert asyncio.run(streams(port, resume, None)) == [MINUTES] * DEVICES
    finally:
        gateway.send_signal(signal.SIGTERM)
        assert gateway.wait(timeout=20) == 0
        assert gateway.stdout is not None
        gateway.stdout.close()
    expected = [(ts_ms(T0) + m * 60_000, float(m)) for m in range(MINUTES)]
    with sqlite3.connect(tmp_path / "tanji.sqlite3") as db:
        for mn in MNS:
            samples = db.execute(
                "SELECT s.ts, s.value FROM timeseries_sample s "
                "JOIN evidence_rawenvelope e ON e.id = s.evidence_id "
                "JOIN evidence_device d ON d.id = e.device_id WHERE d.device_id = ? ORDER BY s.ts",
                (mn,),
            ).fetchall()
            assert samples == expected, mn
        count, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM evidence_rawenvelope"
        ).fetchone()
        # Rollups were deferred (ADR 0220): what the killed process left pending was folded
        # by the restarted one, so the stored hours equal the samples, each counted once.
        assert db.execute("SELECT COUNT(*) FROM timeseries_rollup_pending").fetchone() == (0,)
        hours = db.execute(
            "SELECT tag_id, bucket, count, sum FROM timeseries_rollup "
            "WHERE resolution = 'h' ORDER BY 1, 2"
        ).fetchall()
        expected_hours = db.execute(
            "SELECT tag_id, ts - ts % 3600000, COUNT(*), SUM(value) FROM timeseries_sample "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    assert hours == expected_hours
    assert count == distinct == DEVICES * MINUTES
