"""The wire half of ``bench_ingest``: MQTT through a local Mosquitto and HJ 212 on loopback."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

HJ212_FRAMES, FACTORS = 200, 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mqtt_figures(
    world: Any,
    codes: list[str],
    first: int,
    count: int,
    batch: Callable[..., bytes],
    percentiles: Callable[[list[float]], str],
) -> Iterator[str]:
    """Publish signed batches; time each until its receipt arrives."""
    executable = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(executable).exists():
        yield "MQTT: skipped (Mosquitto is not installed)"
        return
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from tanji.evidence import signing
    from tanji.gateways.mqtt import MqttIntake, MqttSettings

    os.environ["TANJI_PLATFORM_KEY_PEM"] = world.platform.to_pem().decode()
    signing.platform_key.cache_clear()
    port = _free_port()
    config = Path(tempfile.mkdtemp(prefix="tanji-bench-mqtt-")) / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n", encoding="utf-8")
    broker = subprocess.Popen([executable, "-c", str(config)], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    intake = MqttIntake(MqttSettings("127.0.0.1", port, client_id="tanji-bench"))
    intake.start()
    got = threading.Event()
    device = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=world.terminal.device_id)
    device.on_message = lambda *_: got.set()
    device.connect("127.0.0.1", port)
    prefix = f"tanji/{world.enterprise.pk}/{world.terminal.device_id}"
    device.subscribe(f"{prefix}/receipts", qos=1)
    device.loop_start()
    time.sleep(0.5)
    latencies = []
    try:
        for i in range(count):
            body = batch(world, codes, first + i)
            got.clear()
            started = time.perf_counter()
            device.publish(f"{prefix}/batches", body, qos=1)
            if not got.wait(10):
                raise RuntimeError("no receipt within 10 s")
            latencies.append(time.perf_counter() - started)
    finally:
        device.disconnect()
        device.loop_stop()
        intake.stop()
        broker.terminate()
        broker.wait()
    rate = count * len(codes) * 20 / sum(latencies)
    yield (
        f"MQTT QoS 1 via Mosquitto, {count} batches of {len(codes) * 20} signed samples, "
        f"publish → receipt: {rate:,.0f} samples/s; ack {percentiles(latencies)}"
    )


def _hj212_tags(world: Any) -> list[str]:
    from tests.plant.factories import TagFactory

    from tanji.protocols.hj212 import pollutant_table

    codes = [p for p in pollutant_table().values() if p.unit][:FACTORS]
    for p in codes:
        TagFactory(
            source=world.cems.source,
            code=f"{p.code}-Avg",
            unit=p.unit,
            quantity_kind="concentration",
            range_min=-1e9,
            range_max=1e9,
        )
    return [p.code for p in codes]


def hj212_figures(
    world: Any, percentiles: Callable[[list[float]], str], ceiling_packets_s: float
) -> Iterator[str]:
    """One logger sends minute frames with 20 factors, each waiting for its 9014."""
    from tests.evidence.factories import HJ212_PASSWORD
    from tests.gateways.hj212_tcp.harness import connect

    from tanji.gateways.hj212_tcp import Hj212Server
    from tanji.gateways.intake import PipelineIntake
    from tanji.protocols.hj212 import (
        CHINA_STANDARD_TIME,
        DataRecord,
        FactorData,
        Flags,
        ProtocolVersion,
        build_frame,
        data_message,
    )

    codes = _hj212_tags(world)
    t0 = datetime(2025, 6, 1, tzinfo=CHINA_STANDARD_TIME)
    frames = []
    for minute in range(HJ212_FRAMES):
        moment = t0 + timedelta(minutes=minute)
        record = DataRecord(
            moment, tuple(FactorData(c, {"Avg": Decimal("12.5")}, "N") for c in codes)
        )
        qn = (moment + timedelta(seconds=59)).strftime("%Y%m%d%H%M%S") + "123"
        message = data_message(
            record,
            cn=2051,
            qn=qn,
            mn=world.logger.device_id,
            pw=HJ212_PASSWORD,
            flags=Flags(ProtocolVersion(1), ack=True),
        )
        frames.append(build_frame(message))

    async def scenario() -> list[float]:
        intake = PipelineIntake()
        server = Hj212Server(intake, intake)
        address = await server.start()
        client = await connect(address)
        latencies = []
        try:
            for frame in frames:
                started = time.perf_counter()
                await client.send(frame)
                answer = await client.receive(timeout=10)
                if answer is None or answer.cn != 9014:
                    raise RuntimeError(f"no 9014 answer: {answer!r}, {dict(server.stats)}")
                latencies.append(time.perf_counter() - started)
        finally:
            await client.close()
            await server.close()
            intake.close()
        return latencies

    latencies = asyncio.run(scenario())
    packets = len(latencies) / sum(latencies)
    yield (
        f"HJ 212 on loopback, minute frames with {len(codes)} factors, one device: "
        f"{packets:,.0f} packets/s = {packets * len(codes):,.0f} samples/s "
        f"({packets / ceiling_packets_s:.2f} of §8 ceiling); ack {percentiles(latencies)}"
    )
