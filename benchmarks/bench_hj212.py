"""HJ 212: codec µs per gateway frame and parse rates (fast path and pure Python), CRC, gateway.

Ceilings (reference performance.md §3 and §4): own pure-Python parser 6.5k packets/s for a
1,950-byte 2051 packet of 20 factors (130k factor readings/s), 12.6k without the CRC; CRC16
13.9k / 0.78k packets/s table / bitwise (≈ 37 ns/byte); SQLite one commit per acknowledged
record 5.2k commits/s at synchronous=FULL. HJ 212 caps a data segment at 1,024 bytes, so the
20-factor Min/Avg/Max/Cou/Flag minute message travels as 2 split packets here; ratios compare
factor readings/s and ns/byte, which do not depend on the packet cut.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tests.gateways.hj212_tcp.sqlite_sink import SqliteSink

from tanji.gateways.hj212_tcp import GatewayLimits, Hj212Server, InMemoryRegistry, RegisteredDevice
from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    FactorData,
    Flags,
    FrameScanner,
    Reassembler,
    build_frame,
    crc16,
    crc16_bitwise,
    data_message,
    decode_record,
    decode_segment,
    native,
    parse_frame,
    pollutant_table,
    split_message,
)

CEILING_READINGS_PER_S = 130_000
CEILING_PACKETS_NO_CRC_PER_S = 12_600
CEILING_CRC_NS_PER_BYTE = 1e9 / (13_900 * 1950)
CEILING_CRC_BITWISE_NS_PER_BYTE = 1e9 / (780 * 1950)
CEILING_COMMITS_PER_S = 5_200
MN = "42010000A8900016F0000001"


def minute_frames() -> list[bytes]:
    """A 2051 minute message of 20 factors × Min/Avg/Max/Cou + Flag, as its split packets."""
    values = {
        "Min": Decimal("440296.5"),
        "Avg": Decimal("442064.7"),
        "Max": Decimal("443636.5"),
        "Cou": Decimal("2945.07"),
    }
    factors = tuple(FactorData(code, values, "N") for code in sorted(pollutant_table())[:20])
    record = DataRecord(datetime(2025, 6, 10, 8, 30, tzinfo=CHINA_STANDARD_TIME), factors)
    message = data_message(record, cn=2051, qn="20250610083100123", mn=MN, pw="123456")
    return [build_frame(p) for p in split_message(message, max_cp_chars=900)]


def gateway_frames(count: int = 30) -> list[bytes]:
    """Minute frames as ``ingest_wire._frames`` sends them: 20 factors of Avg + Flag, A=1."""
    codes = [p.code for p in pollutant_table().values() if p.unit][:20]
    start = datetime(2025, 6, 1, tzinfo=CHINA_STANDARD_TIME)
    frames = []
    for minute in range(count):
        moment = start + timedelta(minutes=minute)
        factors = tuple(FactorData(c, {"Avg": Decimal("12.5")}, "N") for c in codes)
        qn = (moment + timedelta(seconds=59)).strftime("%Y%m%d%H%M%S") + "123"
        flags = Flags(ack=True)
        message = data_message(
            DataRecord(moment, factors), cn=2051, qn=qn, mn=MN, pw="123456", flags=flags
        )
        frames.append(build_frame(message))
    return frames


def frame_costs(frames: list[bytes], rounds: int = 100) -> tuple[float, float]:
    """CPU µs per frame of ``FrameScanner.feed`` (scan + parse) and of ``decode_record``."""
    scanner = FrameScanner()
    started = time.process_time()
    for _ in range(rounds):
        messages = [found.message for frame in frames for found in scanner.feed(frame)]
    scanned = time.process_time() - started
    started = time.process_time()
    for _ in range(rounds):
        for message in messages:
            assert message is not None
            decode_record(message)
    decoded = time.process_time() - started
    per_frame = 1e6 / (rounds * len(frames))
    return scanned * per_frame, decoded * per_frame


@contextlib.contextmanager
def codec(enabled: bool) -> Iterator[bool]:
    """Run the codec on the fast path or in pure Python; yield whether that path is available."""
    before = native.codec
    try:
        yield native.use_native(enabled) == enabled
    finally:
        native.codec = before


def codec_paths() -> Iterator[str]:
    """The gateway's per-frame codec work on the fast path and in pure Python, interleaved."""
    frames = gateway_frames()
    costs: dict[str, list[tuple[float, float]]] = {"fast path": [], "pure Python": []}
    for _ in range(5):
        for path, runs in costs.items():
            with codec(path == "fast path") as available:
                if available:
                    runs.append(frame_costs(frames))
    for path, runs in costs.items():
        if not runs:
            yield f"codec, {path}: not built (scripts/build-native)"
            continue
        scan_us = statistics.median(r[0] for r in runs)
        record_us = statistics.median(r[1] for r in runs)
        yield (
            f"codec, {path}: 2051 minute frame of {len(frames[0])} B, 20 factors Avg+Flag: "
            f"FrameScanner.feed {scan_us:.1f} µs + decode_record {record_us:.1f} µs = "
            f"{scan_us + record_us:.1f} µs CPU per frame (target ≤ 40 µs)"
        )


def best_rate(work: Callable[[], int], seconds: float = 1.0, repeats: int = 3) -> float:
    """Median over ``repeats`` of units/s, each run lasting about ``seconds``."""
    rates = []
    for _ in range(repeats):
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            done += work()
        rates.append(done / (time.perf_counter() - started))
    return statistics.median(rates)


def parse_rates(frames: list[bytes]) -> Iterator[str]:
    readings = 20 * 4

    def full() -> int:
        assembler = Reassembler()
        for frame in frames:
            whole = assembler.add(parse_frame(frame), 0.0)
        assert whole is not None
        decode_record(whole)
        return 1

    segments = [frame[6:-6].decode() for frame in frames]

    def no_crc() -> int:
        for segment in segments:
            decode_segment(segment)
        return 1

    size = sum(map(len, frames))
    rate = best_rate(full)
    yield (
        f"parse 2051 minute message, 20 factors ({len(frames)} packets, {size} B) + CRC + "
        f"records: {rate:,.0f} msg/s = {rate * readings:,.0f} readings/s "
        f"(ratio {rate * readings / CEILING_READINGS_PER_S:.2f} of 130k readings/s)"
    )
    rate = best_rate(no_crc)
    per_1950 = rate * size / 1950
    yield (
        f"data-segment fields only, no CRC: {rate:,.0f} msg/s ≈ {per_1950:,.0f} 1,950-B packets/s "
        f"(ratio {per_1950 / CEILING_PACKETS_NO_CRC_PER_S:.2f} of 12.6k)"
    )


def crc_rates(frames: list[bytes], path: str) -> Iterator[str]:
    segment = frames[0][6:-6]
    functions = [("table", crc16, CEILING_CRC_NS_PER_BYTE)]
    if path == "pure Python":
        functions.append(("bitwise", crc16_bitwise, CEILING_CRC_BITWISE_NS_PER_BYTE))
    for name, function, ceiling in functions:
        rate = best_rate(lambda f=function: (f(segment), 1)[1])  # type: ignore[misc]
        ns_per_byte = 1e9 / (rate * len(segment))
        yield (
            f"CRC16 {name}, {path}: {ns_per_byte:.1f} ns/byte ({rate:,.0f} × {len(segment)} B/s; "
            f"ratio {ceiling / ns_per_byte:.2f} of the ceiling speed)"
        )


async def _device(address: tuple[str, int], n: int, count: int) -> None:
    reader, writer = await asyncio.open_connection(*address)
    scanner = FrameScanner()
    mn = f"42010000A8900016F{n:07d}"
    acks = 0
    window = 8  # uploads in flight per device (HJ 212 devices usually wait: window 1)
    sent = 0
    while acks < count:
        while sent < count and sent - acks < window:
            frame = build_frame(_upload(mn, sent))
            writer.write(frame)
            sent += 1
        await writer.drain()
        acks += sum(1 for f in scanner.feed(await reader.read(65536)) if f.ok)
    writer.close()
    await writer.wait_closed()


def _upload(mn: str, minute: int) -> object:
    record = DataRecord(
        datetime(2025, 6, 10, tzinfo=CHINA_STANDARD_TIME).replace(
            hour=minute // 60 % 24, minute=minute % 60
        ),
        (FactorData("a05001", {"Avg": Decimal("442064.7")}, "N"),),
    )
    day = 10 + minute // 1440
    record = DataRecord(record.data_time.replace(day=day), record.factors)
    qn = f"202506{day:02d}{minute // 60 % 24:02d}{minute % 60:02d}00{minute % 1000:03d}"
    return data_message(record, cn=2051, qn=qn, mn=mn, pw="123456")


async def _gateway_rate(devices: int, per_device: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        sink = SqliteSink(Path(tmp) / "bench.sqlite3")
        registry = InMemoryRegistry(
            RegisteredDevice(f"42010000A8900016F{n:07d}", "123456") for n in range(devices)
        )
        server = Hj212Server(registry, sink, GatewayLimits(frames_per_s=1e9, frame_burst=10**9))
        address = await server.start()
        started = time.perf_counter()
        await asyncio.gather(*(_device(address, n, per_device) for n in range(devices)))
        elapsed = time.perf_counter() - started
        assert sink.count() == devices * per_device
        await server.close()
        sink.close()
    return devices * per_device / elapsed


def gateway_rate() -> Iterator[str]:
    rates = [asyncio.run(_gateway_rate(devices=20, per_device=150)) for _ in range(3)]
    rate = statistics.median(rates)
    yield (
        f"gateway on loopback, 20 devices, SQLite sink (commit before 9014, sync=FULL): "
        f"{rate:,.0f} acked uploads/s (ratio {rate / CEILING_COMMITS_PER_S:.2f} of 5.2k "
        f"commits/s; clients share the 2 cores)"
    )


def run() -> Iterator[str]:
    yield from codec_paths()
    frames = minute_frames()
    for path in ("fast path", "pure Python"):
        with codec(path == "fast path") as available:
            if available:
                yield from (f"{path}: {line}" for line in parse_rates(frames))
                yield from crc_rates(frames, path)
    yield from gateway_rate()
