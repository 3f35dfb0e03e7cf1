"""``kill -9`` of ``tanji gateway`` mid-stream: after restart and resend nothing is lost or doubled.

The device sends minute uploads one by one and resends whatever was not acknowledged, as HJ 212
devices do. The gateway is killed with SIGKILL while an upload is in flight; after a restart the
device resends from its first unacknowledged minute. The stored samples are then compared minute
by minute with what was sent.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    FactorData,
    Flags,
    Message,
    ProtocolVersion,
    data_message,
)
from tanji.timeseries.samples import ts_ms
from tanji.trust.keys import generate_private_key
from tests.components import Broker
from tests.gateways.hj212_tcp.harness import connect

MN, MINUTES = "42010000A8900016F0000001", 40
T0 = datetime(2025, 6, 10, 8, 0, tzinfo=CHINA_STANDARD_TIME)
ROOT = Path(__file__).resolve().parents[2]


def upload(minute: int, mn: str = MN) -> Message:
    record = DataRecord(
        T0 + timedelta(minutes=minute), (FactorData("a21026", {"Avg": Decimal(minute)}, "N"),)
    )
    qn = (T0 + timedelta(minutes=minute, seconds=59)).strftime("%Y%m%d%H%M%S") + "123"
    return data_message(
        record, cn=2051, qn=qn, mn=mn, pw="123456", flags=Flags(ProtocolVersion(1), ack=True)
    )


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TANJI_", "DJANGO_"))}
    env.update(
        TANJI_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'tanji.sqlite3'}",
        TANJI_SECRET_KEY="gateway-test-" + "x" * 40,
        TANJI_PLATFORM_KEY_PEM=generate_private_key().to_pem().decode(),
        DJANGO_SETTINGS_MODULE="tanji.web.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def start_gateway(
    env: dict[str, str], broker: Broker | None = None
) -> tuple[subprocess.Popen[str], int]:
    """``tanji gateway`` on a free HJ 212 port (and subscribed to ``broker``); its port."""
    mqtt = ["--mqtt", f"{broker.host}:{broker.port}"] if broker is not None else []
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tanji",
            "gateway",
            "--hj212-host",
            "127.0.0.1",
            "--hj212-port",
            "0",
            *mqtt,
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("listening hj212"), line
    if broker is not None:
        assert process.stdout.readline().startswith("listening mqtt")
    return process, int(line.rsplit(":", 1)[1])


async def stream(port: int, first: int, last: int, kill: subprocess.Popen[str] | None) -> int:
    """Send minutes ``first…last-1``; return the first minute not acknowledged."""
    client = await connect(("127.0.0.1", port))
    try:
        for minute in range(first, last):
            await client.send(upload(minute))
            if kill is not None and minute == (first + last) // 2:
                kill.send_signal(signal.SIGKILL)  # the upload is in flight
                kill.wait()
                return minute
            answer = await client.receive(timeout=5.0)
            if answer is None or answer.cn != 9014:
                return minute
    finally:
        await client.close()
    return last


def test_kill_minus_9_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    env = environment(tmp_path)
    for command in (["-m", "tanji", "manage", "migrate", "-v0"], ["-m", "tests.gateways.seed"]):
        subprocess.run([sys.executable, *command], env=env, check=True, cwd=ROOT)
    gateway, port = start_gateway(env)
    resume = asyncio.run(stream(port, 0, MINUTES, kill=gateway))
    assert gateway.stdout is not None
    gateway.stdout.close()
    assert 0 < resume < MINUTES
    gateway, port = start_gateway(env)
    try:
        assert asyncio.run(stream(port, resume, MINUTES, kill=None)) == MINUTES
    finally:
        gateway.send_signal(signal.SIGTERM)
        assert gateway.wait(timeout=20) == 0
        assert gateway.stdout is not None
        gateway.stdout.close()
    with sqlite3.connect(tmp_path / "tanji.sqlite3") as db:
        samples = db.execute("SELECT ts, value FROM timeseries_sample ORDER BY ts").fetchall()
        envelopes = db.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM evidence_rawenvelope")
        count, distinct = envelopes.fetchone()
    expected = [(ts_ms(T0 + timedelta(minutes=m)), float(m)) for m in range(MINUTES)]
    assert samples == expected
    assert count == distinct == MINUTES


@pytest.fixture(autouse=True)
def _no_stray_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
