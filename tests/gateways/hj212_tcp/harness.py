"""Loopback harness: a gateway with the SQLite sink and simulated devices as real TCP clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tanji.gateways.hj212_tcp import (
    GatewayLimits,
    Hj212Server,
    InMemoryRegistry,
    RegisteredDevice,
)
from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    FactorData,
    Flags,
    FrameScanner,
    Message,
    ProtocolVersion,
    build_frame,
    data_message,
)

from .sqlite_sink import SqliteSink

PASSWORD = "123456"
T0 = datetime(2025, 6, 10, 8, 0, tzinfo=CHINA_STANDARD_TIME)


def mn_of(n: int) -> str:
    return f"42010000A8900016F{n:07d}"


def minute_upload(mn: str, minute: int, *, ack: bool = True, version: int = 1) -> Message:
    record = DataRecord(
        T0 + timedelta(minutes=minute),
        (
            FactorData("a05001", {"Avg": Decimal("442064.7"), "Cou": Decimal("2945.07")}, "N"),
            FactorData("a00000", {"Avg": Decimal("111.03")}, "N"),
        ),
    )
    qn = (T0 + timedelta(minutes=minute, seconds=59)).strftime("%Y%m%d%H%M%S") + "123"
    flags = Flags(ProtocolVersion(version), ack=ack)
    return data_message(record, cn=2051, qn=qn, mn=mn, pw=PASSWORD, flags=flags)


@dataclass
class Client:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    scanner: FrameScanner = field(default_factory=FrameScanner)
    pending: list[Message] = field(default_factory=list)

    async def send(self, data: bytes | Message) -> None:
        self.writer.write(build_frame(data) if isinstance(data, Message) else data)
        await self.writer.drain()

    async def receive(self, timeout: float = 5.0) -> Message | None:
        """The next answer frame, or ``None`` on timeout or when the server closed."""
        while not self.pending:
            try:
                data = await asyncio.wait_for(self.reader.read(4096), timeout)
            except TimeoutError:
                return None
            if not data:
                return None
            found = self.scanner.feed(data)
            assert all(f.ok for f in found), [f.error for f in found]
            self.pending += [f.message for f in found if f.message is not None]
        return self.pending.pop(0)

    async def closed_by_server(self, timeout: float = 2.0) -> bool:
        try:
            while data := await asyncio.wait_for(self.reader.read(4096), timeout):
                self.scanner.feed(data)
        except TimeoutError:
            return False
        except ConnectionError:
            return True
        return True

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


@contextlib.asynccontextmanager
async def gateway(
    tmp_path: Path, devices: int = 10, limits: GatewayLimits | None = None, sink: object = None
) -> AsyncIterator[tuple[Hj212Server, SqliteSink, tuple[str, int]]]:
    registry = InMemoryRegistry(RegisteredDevice(mn_of(n), PASSWORD) for n in range(devices))
    store = SqliteSink(tmp_path / "ingest.sqlite3")
    server = Hj212Server(registry, sink or store, limits)  # type: ignore[arg-type]
    address = await server.start()
    try:
        yield server, store, address
    finally:
        await server.close()
        store.close()


async def connect(address: tuple[str, int]) -> Client:
    reader, writer = await asyncio.open_connection(*address)
    return Client(reader, writer)
