"""The wire half of ``bench_ingest``: MQTT through a local Mosquitto and HJ 212 on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

HJ212_DEVICES, FACTORS = 100, 20
#: Minute frames per logger (the sustained run; `TANJI_BENCH_HJ212_FRAMES` to vary it).
HJ212_FRAMES = int(os.environ.get("TANJI_BENCH_HJ212_FRAMES", "30"))
#: Minutes of history every factor tag holds before the run: a running platform's state, where
#: each tag's newest samples fill B-tree pages of their own, so a group commit writes one page
#: per tag. On an empty database a few tags share a page and the first minutes cost less.
HJ212_HISTORY = int(os.environ.get("TANJI_BENCH_HJ212_HISTORY", "240"))
#: The first frame's minute, China Standard Time (UTC+8); the history ends there.
HJ212_T0 = datetime(2025, 6, 1, tzinfo=timezone(timedelta(hours=8)))
MQTT_IN_FLIGHT = 16


def settle_writes() -> None:
    """Do the deferred work a phase's writes left: fold their rollups, checkpoint their WAL.

    Part of each phase's CPU window, so a phase pays for its own deferred work and not for the
    one before it (the rollup folder and SQLite's automatic checkpoint would otherwise do it
    during the next phase, charging MQTT's rollups to HJ 212).
    """
    from django.db import connection

    from tanji.timeseries.folder import flush_folder

    flush_folder()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


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

    from benchmarks.bench_ingest import cpu_rate
    from tanji.evidence import signing
    from tanji.gateways.mqtt import MqttIntake, MqttSettings
    from tanji.protocols.receipts import decode_receipt
    from tanji.trust.dsse import decode_envelope

    os.environ["TANJI_PLATFORM_KEY_PEM"] = world.platform.to_pem().decode()
    signing.platform_key.cache_clear()
    port = _free_port()
    config = Path(tempfile.mkdtemp(prefix="tanji-bench-mqtt-")) / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\n"
        "max_queued_messages 100000\n",
        encoding="utf-8",
    )
    broker = subprocess.Popen([executable, "-c", str(config)], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    intake = MqttIntake(MqttSettings("127.0.0.1", port, client_id="tanji-bench"))
    intake.start()
    bodies = [batch(world, codes, first + i) for i in range(count)]
    sent: dict[int, float] = {}
    latencies: list[float] = []
    window = threading.Semaphore(MQTT_IN_FLIGHT)
    done = threading.Event()

    def receipt(_c: Any, _u: Any, message: Any) -> None:
        seq = decode_receipt(decode_envelope(message.payload).payload).seq
        latencies.append(time.perf_counter() - sent[seq])
        window.release()
        if len(latencies) == count:
            done.set()

    device = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=world.terminal.device_id)
    device.max_inflight_messages_set(MQTT_IN_FLIGHT)
    device.on_message = receipt
    device.connect("127.0.0.1", port)
    prefix = f"tanji/{world.enterprise.pk}/{world.terminal.device_id}"
    device.subscribe(f"{prefix}/receipts", qos=1)
    device.loop_start()
    time.sleep(0.5)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        for i, body in enumerate(bodies):
            window.acquire()
            sent[first + i] = time.perf_counter()
            device.publish(f"{prefix}/batches", body, qos=1)
        if not done.wait(60):
            raise RuntimeError(f"{len(latencies)} of {count} receipts within 60 s")
        wall = time.perf_counter() - started
        settle_writes()
        cpu = time.process_time() - cpu
        committer = intake.committer
        per_commit = committer.submitted / max(committer.groups, 1) if committer else 0.0
    finally:
        device.disconnect()
        device.loop_stop()
        intake.stop()
        broker.terminate()
        broker.wait()
    rate = count * len(codes) * 20 / wall
    yield (
        f"MQTT QoS 1 via Mosquitto, one terminal, {count} batches of {len(codes) * 20} signed "
        f"samples, ≤ {MQTT_IN_FLIGHT} unanswered, publish → receipt: {rate:,.0f} samples/s "
        f"sustained (target 50,000: {rate / 50_000:.2f}); ack {percentiles(latencies)}; "
        f"{per_commit:.1f} batches per commit; {cpu_rate(count * len(codes) * 20, cpu)}"
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


def _loggers(count: int) -> list[tuple[str, list[str]]]:
    """``count`` enterprises, each with one HJ 212 logger and its 20 factor tags."""
    from tests.evidence.factories import make_world

    loggers = []
    for n in range(count):
        world = make_world(f"H{n:03d}")
        codes = _hj212_tags(world)
        _history(world, codes)
        loggers.append((world.logger.device_id, codes))
    return loggers


def _history(world: Any, codes: list[str]) -> None:
    """:data:`HJ212_HISTORY` minutes of samples of every factor tag, before the first frame."""
    from django.db import connection

    from tanji.plant.models import Tag
    from tanji.timeseries.samples import ts_ms
    from tanji.timeseries.store import store_for

    tags = Tag.objects.filter(enterprise=world.enterprise, code__in=[f"{c}-Avg" for c in codes])
    first = ts_ms(HJ212_T0) - HJ212_HISTORY * 60_000
    rows = [
        (tag, first + minute * 60_000, 12.5, "N")
        for tag in tags.values_list("pk", flat=True)
        for minute in range(HJ212_HISTORY)
    ]
    if rows:
        store_for(connection).write(rows, defer=False)


def _frames(mn: str, codes: list[str], first_minute: int) -> list[bytes]:
    from tests.evidence.factories import HJ212_PASSWORD

    from tanji.protocols.hj212 import (
        DataRecord,
        FactorData,
        Flags,
        ProtocolVersion,
        build_frame,
        data_message,
    )

    t0 = HJ212_T0
    frames = []
    for minute in range(first_minute, first_minute + HJ212_FRAMES):
        moment = t0 + timedelta(minutes=minute)
        record = DataRecord(
            moment, tuple(FactorData(c, {"Avg": Decimal("12.5")}, "N") for c in codes)
        )
        qn = (moment + timedelta(seconds=59)).strftime("%Y%m%d%H%M%S") + "123"
        flags = Flags(ProtocolVersion(1), ack=True)
        message = data_message(record, cn=2051, qn=qn, mn=mn, pw=HJ212_PASSWORD, flags=flags)
        frames.append(build_frame(message))
    return frames


def hj212_figures(
    percentiles: Callable[[list[float]], str], ceiling_packets_s: float
) -> Iterator[str]:
    """Many loggers at once send minute frames with 20 factors, each waiting for its 9014."""
    from tanji.gateways.hj212_tcp import GatewayLimits, Hj212Server
    from tanji.gateways.intake import PipelineIntake
    from tanji.runtime import run_service, settle_heap

    loggers = _loggers(HJ212_DEVICES)  # every stack reports the same minutes, as in the field
    frames = {mn: _frames(mn, codes, 0) for mn, codes in loggers}
    codes = loggers[0][1]
    # A logger sends a frame a minute; the per-connection rate limit is lifted for the load.
    limits = GatewayLimits(frames_per_s=10_000.0, frame_burst=10_000)

    plan = Path(tempfile.mkdtemp(prefix="tanji-bench-hj212-")) / "frames.json"
    plan.write_text(json.dumps({mn: [f.hex() for f in fs] for mn, fs in frames.items()}))
    settle_heap()  # the loggers exist before a gateway starts and settles its heap (ADR 0252)

    async def scenario() -> tuple[list[float], float, float, float, dict[str, float]]:
        intake = PipelineIntake()
        server = Hj212Server(intake, intake, limits)
        host, port = await server.start()
        cpu, threads = time.process_time(), thread_cpu()
        try:
            load = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "benchmarks.hj212_load",
                str(plan),
                host,
                str(port),
                stdout=asyncio.subprocess.PIPE,
            )
            out, _ = await load.communicate()
            if load.returncode:
                raise RuntimeError(f"the load generator failed: {dict(server.stats)}")
            threads = {n: c - threads.get(n, 0.0) for n, c in thread_cpu().items()}
        finally:
            await server.close()
            intake.close()
        await asyncio.to_thread(settle_writes)  # these frames' deferred rollups, checkpoint
        cpu = time.process_time() - cpu
        result = json.loads(out)
        per_commit = intake.committer.submitted / max(intake.committer.groups, 1)
        return result["latencies"], result["wall"], per_commit, cpu, threads

    latencies, wall, per_commit, cpu, threads = run_service(scenario())  # the gateway's loop
    packets = len(latencies) / wall
    by_thread = ", ".join(
        f"{name} {spent / len(latencies) * 1e6:.0f}"
        for name, spent in sorted(threads.items(), key=lambda t: -t[1])
        if spent > 0
    )
    yield (
        f"HJ 212 on loopback, {HJ212_DEVICES} loggers (one per enterprise, client process apart, "
        f"{HJ212_HISTORY} minutes of history per tag) × {HJ212_FRAMES} minute frames with "
        f"{len(codes)} factors, 9014 after commit: "
        f"{packets:,.0f} frames/s sustained = "
        f"{packets * len(codes):,.0f} samples/s ({packets / ceiling_packets_s:.2f} of §8 "
        f"ceiling; target 2,000: {packets / 2000:.2f}); ack {percentiles(latencies)}; "
        f"{per_commit:.1f} frames per commit; gateway process CPU "
        f"{cpu / len(latencies) * 1e6:.0f} µs/frame = {len(latencies) / cpu:,.0f} frames/s "
        f"per CPU-second (by thread until the last answer, µs/frame: {by_thread})"
    )


def thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) each live thread of this process has used so far (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    spent = {}
    for thread in threading.enumerate():
        try:
            stat = Path(f"/proc/self/task/{thread.native_id}/stat").read_text(encoding="ascii")
        except OSError:  # not Linux, or the thread just ended
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        spent[thread.name] = (int(fields[11]) + int(fields[12])) / tick
    return spent
