"""Simulated terminals stream over HTTPS, MQTT and HJ 212 at once into one platform.

Real processes: the web server (``tanji manage runserver``), ``tanji gateway`` (HJ 212 server
and MQTT subscriber) and Mosquitto, on one embedded database file. The simulated line feeds two
signing terminals (one per uplink) and the simulated CEMS data logger. Every receipt must verify
and every reading sent must be stored exactly once, with the envelope it came in.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import threading
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tanji.protocols.hj212 import decode_record, scan
from tanji.protocols.readings import BATCH_PAYLOAD_TYPE, Batch, encode_batch
from tanji.protocols.receipts import decode_receipt
from tanji.simulator import Plant, load_scenario
from tanji.simulator.cems_device import CemsDevice, DeviceConfig
from tanji.timeseries.samples import ts_ms
from tanji.trust.dsse import decode_envelope, encode_envelope, sign_envelope, verify_envelope
from tanji.trust.keys import PrivateKey, generate_private_key, load_private_key
from tests.components import Broker, free_port, wait_for_port
from tests.gateways.test_gateway_process import ROOT, environment, start_gateway
from tests.simulator.factories import FakeAsyncClock

pytestmark = pytest.mark.mqtt
START = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)
BATCHES = 6


def batches(plant: Plant, device: str, key: PrivateKey, offset_min: int) -> list[bytes]:
    """Minute readings of the whole line, ten minutes per batch, signed by ``key``."""
    out = []
    for seq in range(1, BATCHES + 1):
        first = START + timedelta(minutes=offset_min + (seq - 1) * 10)
        readings = tuple(
            r for m in range(10) for r in plant.readings_at(first + timedelta(minutes=m))
        )
        batch = Batch(device, seq, first, readings)
        payload = encode_batch(batch)
        out.append(encode_envelope(sign_envelope(BATCH_PAYLOAD_TYPE, payload, key.signer())))
    return out


def https_terminal(port: int, bodies: list[bytes], receipts: list[bytes]) -> None:
    for body in bodies:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/ingest/batches",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/vnd.dsse.envelope.v1+json",
                "X-Tanji-Device": "T-E2E-1",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            receipts.append(answer.read())


def mqtt_terminal(
    broker: Broker, enterprise: str, bodies: list[bytes], receipts: list[bytes]
) -> None:
    done = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="T-E2E-2")

    def on_message(_c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        receipts.append(bytes(message.payload))
        if len(receipts) == len(bodies):
            done.set()

    client.on_message = on_message
    client.connect(broker.host, broker.port)
    prefix = f"tanji/{enterprise}/T-E2E-2"
    client.subscribe(f"{prefix}/receipts", qos=1)
    client.loop_start()
    try:
        for body in bodies:
            client.publish(f"{prefix}/batches", body, qos=1).wait_for_publish(10)
        assert done.wait(60)
    finally:
        client.disconnect()
        client.loop_stop()


def cems_logger(
    port: int,
    plant: Plant,
    start: datetime = datetime(2025, 6, 2, 8, 57, 30, tzinfo=UTC),
    minutes: int = 5,
) -> CemsDevice:
    """The simulated data logger uploading ``minutes`` minutes from ``start`` (as fast as acked)."""
    device = CemsDevice(plant, DeviceConfig(ack_timeout_s=10))
    clock = FakeAsyncClock(start, oversleep=timedelta(seconds=2))
    asyncio.run(device.connect("127.0.0.1", port, clock, limit=minutes))
    return device


def test_three_protocols_at_once(tmp_path: Path, mosquitto: Broker) -> None:
    keys = [generate_private_key(), generate_private_key()]
    env = environment(tmp_path)
    env["TANJI_TEST_TERMINAL_KEYS"] = "\n\n".join(
        k.public_key().to_pem().decode().strip() for k in keys
    )
    env["TANJI_ALLOWED_HOSTS"] = "127.0.0.1"
    subprocess.run(
        [sys.executable, "-m", "tanji", "manage", "migrate", "-v0"], env=env, check=True, cwd=ROOT
    )
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.gateways.seed", "plant"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    enterprise = seeded.stdout.strip().splitlines()[-1]
    platform = load_private_key(env["TANJI_PLATFORM_KEY_PEM"].encode()).public_key()
    web_port = free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tanji",
            "manage",
            "runserver",
            f"127.0.0.1:{web_port}",
            "--noreload",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env_gateway = dict(env)
    gateway, hj212_port = start_gateway(env_gateway, mosquitto)
    try:
        wait_for_port(web_port, 30)
        plant = Plant(load_scenario("normal-month"))
        https_bodies = batches(plant, "T-E2E-1", keys[0], 0)
        mqtt_bodies = batches(plant, "T-E2E-2", keys[1], BATCHES * 10)
        https_receipts: list[bytes] = []
        mqtt_receipts: list[bytes] = []
        found: dict[str, CemsDevice] = {}
        threads = [
            threading.Thread(target=https_terminal, args=(web_port, https_bodies, https_receipts)),
            threading.Thread(
                target=mqtt_terminal, args=(mosquitto, enterprise, mqtt_bodies, mqtt_receipts)
            ),
            threading.Thread(target=lambda: found.update(d=cems_logger(hj212_port, plant))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for process in (web, gateway):
            process.terminate()
            process.wait(30)
            if process.stdout is not None:
                process.stdout.close()
    check_receipts(platform, https_bodies, https_receipts)
    check_receipts(platform, mqtt_bodies, mqtt_receipts)
    check_store(tmp_path / "tanji.sqlite3", https_bodies + mqtt_bodies, found["d"])


def check_receipts(platform: object, bodies: list[bytes], receipts: list[bytes]) -> None:
    import hashlib

    assert len(receipts) == len(bodies)
    digests = set()
    for raw in receipts:
        envelope = decode_envelope(raw)
        verify_envelope(envelope, {platform.key_id: platform})  # type: ignore[attr-defined]
        receipt = decode_receipt(envelope.payload)
        assert receipt.status == "accepted"
        digests.add(receipt.envelope_sha256)
    assert digests == {hashlib.sha256(b).digest() for b in bodies}


def check_store(path: Path, bodies: list[bytes], logger: CemsDevice) -> None:
    with sqlite3.connect(path) as db:
        codes = dict(db.execute("SELECT id, code FROM plant_tag"))
        stored = {
            (codes[tag], ts): (value, evidence)
            for tag, ts, value, evidence in db.execute(
                "SELECT tag_id, ts, value, evidence_id FROM timeseries_sample_current"
            )
        }
        channels = dict(db.execute("SELECT id, channel FROM evidence_rawenvelope"))
    expected = {}
    for body in bodies:
        batch = json.loads(decode_envelope(body).payload)
        for r in batch["readings"]:
            moment = datetime.fromisoformat(r["t"][:-1]).replace(tzinfo=UTC)
            expected[(r["tag"], ts_ms(moment))] = r["v"]
    for key, value in expected.items():
        assert key in stored, key
        assert stored[key][0] == pytest.approx(value)
        assert channels[stored[key][1]] in {"https", "mqtt"}
    hj212 = set()
    for frame in scan(b"".join(logger.log.sent)):
        if frame.message is not None and frame.message.cn in (2051, 2061):
            record = decode_record(frame.message)
            for factor in record.factors:
                for suffix in factor.values:
                    hj212.add(
                        (f"{factor.code}-{suffix}", ts_ms(factor.sample_time or record.data_time))
                    )
    assert hj212
    assert {k for k, v in stored.items() if channels[v[1]] == "hj212"} == hj212
    assert len(stored) == len(expected) + len(hj212)
