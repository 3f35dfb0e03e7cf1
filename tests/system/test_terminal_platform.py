"""The real terminal against the real platform: enrolment, delivery, a killed server, revocation.

Real processes: ``tanji terminal enrol`` and the platform web server (``tanji manage
runserver``) on loopback over one embedded database file; the terminal side is the real
outbox, sealer, forwarder and HTTPS uplink, fed with the plant simulator's minute readings. The
platform's stored samples are compared with what the terminal sealed, reading by reading.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tanji.protocols.readings import Reading
from tanji.protocols.receipts import RECEIPT_PAYLOAD_TYPE, Receipt, encode_receipt
from tanji.simulator import Plant, load_scenario
from tanji.terminal.buffer import Outbox
from tanji.terminal.control import (
    CONFIG_PAYLOAD_TYPE,
    ControlStore,
    accept_config,
)
from tanji.terminal.forwarder import Forwarder, envelope_digest
from tanji.terminal.signing import Sealer, TrustError
from tanji.terminal.station import load_station
from tanji.terminal.uplink import HttpsConfig, HttpsUplink
from tanji.timeseries.samples import ts_ms
from tanji.trust import dsse
from tanji.trust.keys import PublicKey, generate_private_key, load_private_key
from tests.components import free_port, wait_for_port
from tests.gateways.test_gateway_process import ROOT

START = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)
MINUTES_PER_BATCH = 5


@dataclass
class Platform:
    """The platform web process on one database file, killed and restarted at will."""

    tmp: Path
    env: dict[str, str]
    enterprise: str
    key: PublicKey
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = ["manage", "runserver", f"127.0.0.1:{self.port}", "--noreload"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tanji", *command],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 30)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as on a power cut of the server."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def operator(self, *arguments: str) -> str:
        """An operator action (``tests.system.seed``) run against the platform database."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.system.seed", *arguments],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1]

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.tmp / "tanji.sqlite3")


def station_file(platform: Platform, tmp: Path, device: str) -> Path:
    path = tmp / "terminal.toml"
    path.write_text(
        f'device = "{device}"\nenterprise = "{platform.enterprise}"\ndata_dir = "data"\n'
        f'platform_url = "{platform.url}"\nplatform_keys = ["{platform.tmp / "platform.pem"}"]\n',
        encoding="utf-8",
    )
    return path


def enrol(platform: Platform, tmp: Path, device: str) -> Path:
    """Operator issues a code; ``tanji terminal enrol`` makes the key on the box and enrols."""
    code = platform.operator("code", platform.enterprise, device)
    station = station_file(platform, tmp, device)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tanji",
            "terminal",
            "enrol",
            "--station",
            str(station),
            "--code",
            code,
        ],
        env=platform.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "enrolment submitted" in done.stdout
    return station


@dataclass
class Clock:
    """The terminal's wall clock, moved by the test (back-off pauses pass instantly)."""

    now: float = START.timestamp() + 86_400

    def __call__(self) -> float:
        return self.now


def seal_minutes(outbox: Outbox, sealer: Sealer, batches: int, first: int = 0) -> list[Reading]:
    """Seal ``batches`` batches of the simulated line's minute readings; returns the readings."""
    plant = Plant(load_scenario("normal-month"))
    sealed: list[Reading] = []
    for n in range(first, first + batches):
        begin = START + timedelta(minutes=n * MINUTES_PER_BATCH)
        readings = [
            r
            for m in range(MINUTES_PER_BATCH)
            for r in plant.readings_at(begin + timedelta(minutes=m))
        ]
        created = datetime.now(UTC)  # sealed now; the key was enrolled moments ago
        outbox.append(lambda seq, rs=readings, at=created: (sealer.seal(seq, at, rs), len(rs)))
        sealed.extend(readings)
    return sealed


def drain(forwarder: Forwarder, clock: Clock, steps: int = 60) -> None:
    for _ in range(steps):
        forwarder.step()
        if forwarder.outbox.depth()[0] == 0:
            return
        clock.now += 400.0  # past any back-off pause and the resend timeout
    raise AssertionError(f"outbox not drained: {forwarder.outbox.depth()} {forwarder.stats}")


def stored(platform: Platform, device: str) -> dict[tuple[str, int], tuple[float, str, str]]:
    """(tag, ts) → (value, flag, unit) of every sample carried by ``device``'s envelopes."""
    with platform.db() as db:
        rows = db.execute(
            "SELECT t.code, s.ts, s.value, s.flag, t.unit FROM timeseries_sample_current s "
            "JOIN plant_tag t ON t.id = s.tag_id JOIN evidence_rawenvelope e "
            "ON e.id = s.evidence_id JOIN evidence_device d ON d.id = e.device_id "
            "WHERE d.device_id = ?",
            (device,),
        ).fetchall()
    out: dict[tuple[str, int], tuple[float, str, str]] = {}
    for code, ts, value, flag, unit in rows:
        assert (code, ts) not in out
        out[(code, ts)] = (value, flag, unit)
    return out


def expected(readings: list[Reading]) -> dict[tuple[str, int], tuple[float, str, str]]:
    out = {(r.tag, ts_ms(r.time)): (r.value, r.flag.value, r.unit) for r in readings}
    assert len(out) == len(readings)
    return out


def test_enrolled_terminal_delivers_through_a_killed_platform(
    platform: Platform, tmp_path: Path
) -> None:
    station = load_station(enrol(platform, tmp_path, "T-SYS-1"))
    assert (station.key_path.stat().st_mode & 0o777) == 0o600
    keys = station.trusted_keys()
    uplink = HttpsUplink(HttpsConfig(station.platform_url, station.device))
    config = accept_config(
        uplink.fetch_config(), station.device, keys, ControlStore(station.data_dir)
    )
    assert config.device == "T-SYS-1"
    clock = Clock()
    outbox = Outbox(station.outbox_path, clock=clock)
    sealer = Sealer(station.device, load_private_key(station.key_path.read_bytes()))
    sealed = seal_minutes(outbox, sealer, 12)
    forwarder = Forwarder(outbox, uplink, station.device, keys, window=2, clock=clock)
    for _ in range(20):
        if forwarder.stats.acknowledged >= 4:
            break
        forwarder.step()
    assert forwarder.stats.acknowledged >= 4, forwarder.stats
    platform.kill()
    sealed += seal_minutes(outbox, sealer, 4, first=12)  # acquisition goes on meanwhile
    for _ in range(3):
        assert forwarder.step() == 0
        clock.now += 400.0
    assert forwarder.stats.errors.get("uplink.https.network", 0) >= 1
    platform.start()
    drain(forwarder, clock)
    assert forwarder.stats.acknowledged == 16
    assert forwarder.stats.bad_receipts == 0
    assert stored(platform, "T-SYS-1") == expected(sealed)
    with platform.db() as db:
        seqs = [
            s
            for (s,) in db.execute(
                "SELECT seq FROM evidence_rawenvelope e JOIN "
                "evidence_device d ON d.id = e.device_id WHERE d.device_id = 'T-SYS-1'"
            )
        ]
    assert sorted(seqs) == list(range(1, 17))
    outbox.close()


class ForgingUplink:
    """The real uplink, plus receipts forged by someone without the platform key."""

    def __init__(self, inner: HttpsUplink, forged: list[bytes]) -> None:
        self.inner, self.forged = inner, forged

    def submit(self, seq: int, envelope: bytes) -> None:
        self.inner.submit(seq, envelope)

    def receipts(self) -> list[bytes]:
        out, self.forged = self.forged + self.inner.receipts(), []
        return out

    def commands(self) -> list[bytes]:
        return []

    def heartbeat(self, document: bytes) -> None:
        self.inner.heartbeat(document)

    def close(self) -> None:
        self.inner.close()


def test_revoked_key_is_refused_and_forgeries_are_refused_by_the_terminal(
    platform: Platform, tmp_path: Path
) -> None:
    station = load_station(enrol(platform, tmp_path, "T-SYS-2"))
    keys = station.trusted_keys()
    store = ControlStore(station.data_dir)
    uplink = HttpsUplink(HttpsConfig(station.platform_url, station.device))
    rogue = generate_private_key()
    genuine = uplink.fetch_config()
    forged_config = dsse.encode_envelope(
        dsse.sign_envelope(
            CONFIG_PAYLOAD_TYPE, dsse.decode_envelope(genuine).payload, rogue.signer()
        )
    )
    with pytest.raises(TrustError):
        accept_config(forged_config, station.device, keys, store)
    accept_config(genuine, station.device, keys, store)
    clock = Clock()
    outbox = Outbox(station.outbox_path, clock=clock)
    sealer = Sealer(station.device, load_private_key(station.key_path.read_bytes()))
    accepted = seal_minutes(outbox, sealer, 1, first=100)  # minutes T-SYS-1 did not send
    first = outbox.get(1)
    assert first is not None
    forged = Receipt(
        station.device, 1, envelope_digest(first.envelope), 1, "accepted", datetime.now(UTC)
    )
    fake = dsse.encode_envelope(
        dsse.sign_envelope(RECEIPT_PAYLOAD_TYPE, encode_receipt(forged), rogue.signer())
    )
    forwarder = Forwarder(outbox, ForgingUplink(uplink, [fake]), station.device, keys, clock=clock)
    assert forwarder.collect() == 0
    assert forwarder.stats.bad_receipts == 1
    assert outbox.depth()[0] == 1  # the forged receipt freed nothing
    drain(forwarder, clock)
    revoked = platform.operator("revoke", station.device)
    seal_minutes(outbox, sealer, 1, first=101)
    forwarder.step()
    assert forwarder.stats.refused == 1
    assert outbox.depth()[0] == 1  # kept, no receipt
    assert stored(platform, station.device) == expected(accepted)  # nothing of the refused one
    with platform.db() as db:
        reasons = db.execute(
            "SELECT reason FROM evidence_quarantineentry WHERE device_id = ?", (station.device,)
        ).fetchall()
    assert reasons, revoked
    assert {r for (r,) in reasons} == {"trust.key_revoked"}
    outbox.close()


def queued(path: Path) -> int:
    outbox = Outbox(path)
    try:
        return outbox.depth()[0]
    finally:
        outbox.close()


def envelopes(platform: Platform, device: str) -> int:
    with platform.db() as db:
        row = db.execute(
            "SELECT count(*) FROM evidence_rawenvelope e JOIN evidence_device d "
            "ON d.id = e.device_id WHERE d.device_id = ?",
            (device,),
        ).fetchone()
    return int(row[0])


def test_terminal_process_killed_mid_send_loses_and_doubles_nothing(
    platform: Platform, tmp_path: Path
) -> None:
    station_path = enrol(platform, tmp_path, "T-SYS-3")
    station = load_station(station_path)
    outbox = Outbox(station.outbox_path)
    sealer = Sealer(station.device, load_private_key(station.key_path.read_bytes()))
    sealed = seal_minutes(outbox, sealer, 30, first=200)
    outbox.close()
    command = [sys.executable, "-m", "tanji", "terminal", "run", "--station", str(station_path)]
    for round_ in range(2):
        terminal = subprocess.Popen(
            command,
            env=platform.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        target = 5 if round_ == 0 else 30
        while envelopes(platform, station.device) < target and time.monotonic() < deadline:
            time.sleep(0.02)
        if round_ == 0:
            os.kill(terminal.pid, signal.SIGKILL)  # mid-stream: some sent, some unanswered
            terminal.wait(10)
            assert envelopes(platform, station.device) < 30
    deadline = time.monotonic() + 60
    while queued(station.outbox_path) and time.monotonic() < deadline:
        time.sleep(0.1)
    terminal.terminate()
    terminal.wait(30)
    assert queued(station.outbox_path) == 0
    assert envelopes(platform, station.device) == 30
    assert stored(platform, station.device) == expected(sealed)
