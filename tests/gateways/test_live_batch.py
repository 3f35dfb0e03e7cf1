"""Live figures of a running platform equal a batch recomputation of what it stored.

Real processes, as in production: the web server (``tanji manage runserver``, its live worker
started by the WSGI module) and ``tanji gateway`` (HJ 212 server, MQTT subscriber, its own live
worker) on one embedded database file, with Mosquitto. Both processes accept data for the SAME
hours of the same line: the HTTPS terminal carries half of the line's instruments, the MQTT
terminal the other half, the CEMS data logger the kiln-tail CO2 and flow over HJ 212. No hour's
accounting is complete without data from both processes, and the kiln stack's CEMS figure comes
only from the gateway's intake (ADR 0235).

After streaming, with both processes still running, ``/api/v1/emissions/live?wait=…`` waits
until the durable live backlog of the enterprise is empty (every envelope accepted by either
process recomputed); the hourly figures are then read through ``/api/v1/emissions/figures``.
``tanji manage recompute`` (the batch path) then recomputes the period from the stored samples
on the same file, and the figures read through the same API must be identical, hour by hour.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tanji.protocols.readings import BATCH_PAYLOAD_TYPE, Batch, Reading, encode_batch
from tanji.simulator import Plant, load_scenario
from tanji.simulator.bridge import platform_code
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey, generate_private_key
from tests.components import Broker, free_port, wait_for_port
from tests.gateways.test_end_to_end import cems_logger, https_terminal, mqtt_terminal
from tests.gateways.test_gateway_process import ROOT, environment, start_gateway

pytestmark = pytest.mark.mqtt
START = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)
HOURS = 2
BATCH_MIN = 10
HOUR_MS = 3_600_000


def terminal_batches(plant: Plant, device: str, key: PrivateKey, codes: set[str]) -> list[bytes]:
    """The minutes of the streamed hours for the platform tags ``codes``, ten minutes a batch."""
    out = []
    for seq in range(1, HOURS * 60 // BATCH_MIN + 1):
        first = START + timedelta(minutes=(seq - 1) * BATCH_MIN)
        readings = tuple(
            Reading(code, r.time, r.value, r.unit, r.flag)
            for m in range(BATCH_MIN)
            for r in plant.readings_at(first + timedelta(minutes=m))
            if (code := platform_code(r.tag, "L1", "S1")) in codes
        )
        payload = encode_batch(Batch(device, seq, first, readings))
        out.append(encode_envelope(sign_envelope(BATCH_PAYLOAD_TYPE, payload, key.signer())))
    return out


def split_codes(database: Path, enterprise: int, plant: Plant) -> tuple[set[str], set[str]]:
    """The line's simulated instruments (rate and totaliser together), CEMS aside, in two halves.

    The kiln-head and the calciner coal scales land in different halves, so no hour of the
    kiln stack's accounting is complete without data from both processes.
    """
    with sqlite3.connect(database) as db:
        sql = "SELECT code FROM plant_tag WHERE enterprise_id = ?"
        known = {code for (code,) in db.execute(sql, [enterprise])}
    routed = {platform_code(r.tag, "L1", "S1") for r in plant.readings_at(START)}
    codes = {c for c in routed if c is not None and c in known and "-CEMS-" not in c}
    instrument = {c: c.removesuffix("-TOT").removesuffix("-RATE") for c in codes}
    order = sorted(set(instrument.values()))
    halves = [{c for c in codes if instrument[c] in order[k::2]} for k in (0, 1)]
    assert ("L1-COAL-KH-TOT" in halves[0]) != ("L1-COAL-CA-TOT" in halves[0]), halves
    return halves[0], halves[1]


class Api:
    """The running server's API with the seeded staff member's bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.base = f"http://127.0.0.1:{port}/api/v1/emissions"
        self.token = token

    def get(self, path: str, **params: object) -> Any:
        query = urllib.parse.urlencode(params)
        request = urllib.request.Request(
            f"{self.base}/{path}?{query}", headers={"Authorization": f"Bearer {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    def caught_up(self, enterprise: int) -> None:
        """Wait (bounded, on the server) until no process has undelivered live work left."""
        status: dict[str, Any] = self.get("live", enterprise_id=enterprise, wait=30)
        assert status["worker"], "the server runs no live worker: not as in production"
        assert status["backlog"] == 0, status

    def figures(self, enterprise: int) -> list[dict[str, Any]]:
        """Every figure of the days around the streamed hours (ordered by hour, key, method)."""
        rows: list[dict[str, Any]] = self.get(
            "figures",
            enterprise_id=enterprise,
            start=(START - timedelta(days=2)).isoformat(),
            end=(START + timedelta(days=2)).isoformat(),
        )
        return rows


@contextmanager
def web_server(env: dict[str, str]) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "tanji", "manage", "runserver", f"127.0.0.1:{port}"]
    web = subprocess.Popen(
        [*command, "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, 30)
        yield port
    finally:
        web.terminate()
        web.wait(30)


@contextmanager
def gateway_process(env: dict[str, str], mosquitto: Broker) -> Iterator[int]:
    """``tanji gateway`` (HJ 212 and MQTT) for the block; its HJ 212 port."""
    gateway, hj212_port = start_gateway(dict(env), mosquitto)
    try:
        yield hj212_port
    finally:
        gateway.terminate()
        assert gateway.wait(60) == 0
        if gateway.stdout is not None:
            gateway.stdout.close()


def seed(env: dict[str, str]) -> dict[str, Any]:
    for command in (["tanji", "manage", "migrate", "-v0"], ["tests.gateways.seed", "line"]):
        done = subprocess.run(
            [sys.executable, "-m", *command],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def stream(
    keys: list[PrivateKey],
    env: dict[str, str],
    mosquitto: Broker,
    ports: tuple[int, int],
    ids: dict[str, Any],
    plant: Plant,
) -> None:
    """Both terminals and the CEMS logger at once, until every batch has its receipt."""
    web_port, hj212_port = ports
    halves = split_codes(Path(env["TANJI_DATA_DIR"]) / "tanji.sqlite3", ids["enterprise"], plant)
    https_bodies = terminal_batches(plant, "T-E2E-1", keys[0], halves[0])
    mqtt_bodies = terminal_batches(plant, "T-E2E-2", keys[1], halves[1])
    receipts: tuple[list[bytes], list[bytes]] = ([], [])
    logger: dict[str, Any] = {}
    threads = [
        threading.Thread(target=https_terminal, args=(web_port, https_bodies, receipts[0])),
        threading.Thread(
            target=mqtt_terminal,
            args=(mosquitto, str(ids["enterprise"]), mqtt_bodies, receipts[1]),
        ),
        threading.Thread(
            target=lambda: logger.update(
                d=cems_logger(hj212_port, plant, START + timedelta(seconds=30), HOURS * 60)
            )
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [len(r) for r in receipts] == [len(https_bodies), len(mqtt_bodies)]
    assert "d" in logger


def stored_hours(database: Path, enterprise: int) -> dict[str, set[int]]:
    """Hours holding samples, by the channel that brought them."""
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT DISTINCT e.channel, s.ts / ? * ? FROM timeseries_sample s "
            "JOIN evidence_rawenvelope e ON e.id = s.evidence_id "
            "JOIN plant_tag t ON t.id = s.tag_id WHERE t.enterprise_id = ?",
            [HOUR_MS, HOUR_MS, enterprise],
        ).fetchall()
    out: dict[str, set[int]] = {}
    for channel, hour in rows:
        out.setdefault(channel, set()).add(int(hour))
    return out


def test_live_figures_equal_the_batch_recomputation(tmp_path: Path, mosquitto: Broker) -> None:
    env = environment(tmp_path)
    env["TANJI_ALLOWED_HOSTS"] = "127.0.0.1"
    keys = [generate_private_key(), generate_private_key()]
    env["TANJI_TEST_TERMINAL_KEYS"] = "\n\n".join(
        k.public_key().to_pem().decode().strip() for k in keys
    )
    env["TANJI_TEST_LAB_FROM"] = START.isoformat()
    env["TANJI_TEST_LAB_TO"] = (START + timedelta(hours=HOURS)).isoformat()
    ids = seed(env)
    plant = Plant(load_scenario("normal-month"))
    with web_server(env) as port, gateway_process(env, mosquitto) as hj212_port:
        api = Api(port, ids["token"])
        stream(keys, env, mosquitto, (port, hj212_port), ids, plant)
        api.caught_up(ids["enterprise"])
        live = api.figures(ids["enterprise"])
        batch_recompute(env, ids["enterprise"])
        batch = api.figures(ids["enterprise"])
    check_figures(live, batch, stored_hours(tmp_path / "tanji.sqlite3", ids["enterprise"]))


def batch_recompute(env: dict[str, str], enterprise: int) -> None:
    """``tanji manage recompute`` over the local day of the streamed hours: every line and site."""
    day = (START + timedelta(hours=8)).date().isoformat()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tanji",
            "manage",
            "recompute",
            "--enterprise",
            str(enterprise),
            "--from",
            day,
            "--to",
            day,
        ],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def check_figures(
    live: list[dict[str, Any]], batch: list[dict[str, Any]], stored: dict[str, set[int]]
) -> None:
    """Identical figures; every streamed hour (and only those) by CEMS and accounting, CO2 > 0."""
    streamed = {int((START + timedelta(hours=h)).timestamp() * 1000) for h in range(HOURS)}
    assert stored["https"] == stored["mqtt"] == stored["hj212"] == streamed
    assert live == batch  # exact: both read the same stored rollups with the same arithmetic
    assert {r["hour"] for r in live} == streamed
    for hour in streamed:
        rows = [r for r in live if r["hour"] == hour]
        stack = {r["method"] for r in rows if r["key"].startswith("k")}
        assert {"cems", "accounting"} <= stack, (hour, stack)
        assert {r["source_id"] for r in rows if r["source_id"] is not None}, hour
        counted = [r for r in rows if r["counted"]]
        assert any(r["method"] == "cems" for r in counted), hour
        for boundary in ("in_clinker", "in_enterprise"):
            assert sum(r["co2_t"] for r in counted if r[boundary]) > 0, (hour, boundary)
