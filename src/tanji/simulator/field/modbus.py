"""A Modbus TCP server per simulated instrument, its registers driven by ``values_at(time)``.

On every read request the server evaluates the value function at the current time and encodes
each mapped point into its registers with the same :mod:`tanji.protocols.registers` map the
terminal decodes with: the terminal's Modbus driver is then tested against a real pymodbus
server on loopback, byte order, word order, scaling and all. ``failing`` makes the server
answer with an exception (Modbus exception code 4, server device failure).
"""

from __future__ import annotations

import asyncio
import math
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.framer import FramerType
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType as SimDataType, SimData, SimDevice

from tanji.protocols.registers import DataType, PointKind, RegisterPoint, encode
from tanji.simulator.tags import TagKind, TagSpec

ValuesAt = Callable[[datetime], Mapping[str, float]]


def register_map(
    tags: Sequence[TagSpec], *, function: int = 3, scan_s: int = 1
) -> tuple[RegisterPoint, ...]:
    """A register map for simulator tags: float32 measurements, float64 totalisers.

    Totalisers get 64-bit floats because their registers reach 10⁸ (kWh) where a float32 would
    round to 8 units; their wrap is the tag's ``register_max``.
    """
    points: list[RegisterPoint] = []
    address = 0
    for spec in tags:
        total = spec.kind is TagKind.TOTAL_INCREASING
        point = RegisterPoint(
            spec.code,
            address,
            spec.unit,
            function=function,
            data_type=DataType.FLOAT64 if total else DataType.FLOAT32,
            kind=PointKind.TOTALISER if total else PointKind.RATE,
            rollover=spec.register_max if total else 0.0,
            scan_s=scan_s,
        )
        points.append(point)
        address += point.count
    return tuple(points)


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class InstrumentServer:
    """One instrument: a Modbus TCP server on its own thread and event loop.

    Args:
        points: the instrument's register map.
        values_at: tag → engineering value at a time.
        unit_id: Modbus unit (slave) id answered.
        port: TCP port (a free one when 0).
        clock: time source handed to ``values_at``.
        rtu: speak Modbus RTU framing over the socket (an RS-485 line behind a transparent
            serial server), reached by pyserial's ``socket://`` ports.
    """

    def __init__(
        self,
        points: Sequence[RegisterPoint],
        values_at: ValuesAt,
        *,
        unit_id: int = 1,
        port: int = 0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rtu: bool = False,
    ) -> None:
        self.points = tuple(points)
        self.values_at = values_at
        self.unit_id = unit_id
        self.port = port or free_port()
        self.clock = clock
        self.framer = FramerType.RTU if rtu else FramerType.SOCKET
        self.failing = False
        self.reads = 0
        size = max((p.address + p.count for p in self.points), default=1) + 1
        bits = [SimData(0, count=1, values=False, datatype=SimDataType.BITS)]
        registers = [SimData(0, count=size, values=0, datatype=SimDataType.REGISTERS)]
        self._device = SimDevice(
            id=unit_id, simdata=(bits, bits, registers, list(registers)), action=self._action
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None  # pymodbus servers are partly untyped
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    async def _action(
        self,
        function: int,
        start: int,
        _address: int,
        _count: int,
        registers: list[int],
        values: object,
    ) -> ExcCodes | None:
        if values is not None:
            return None  # writes are not simulated
        if self.failing:
            return ExcCodes.DEVICE_FAILURE
        self.reads += 1
        current = self.values_at(self.clock())
        wanted = [p for p in self.points if p.function == function and p.tag in current]
        if any(not math.isfinite(current[p.tag]) for p in wanted):
            return ExcCodes.DEVICE_FAILURE  # a communication gap: the instrument is silent
        for point in wanted:
            words = encode(point, current[point.tag])
            registers[point.address - start : point.address - start + len(words)] = words
        return None

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)

        async def serve() -> None:
            self._server = ModbusTcpServer(
                self._device, address=("127.0.0.1", self.port), framer=self.framer
            )
            await self._server.serve_forever(background=True)
            self._ready.set()
            await self._server.serving

        loop.run_until_complete(serve())

    def start(self) -> InstrumentServer:
        """Start serving; returns once the socket listens."""
        self._ready.clear()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, args=(self._loop,), name=f"modbus:{self.port}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError(f"simulated instrument on port {self.port} did not start")
        return self

    def stop(self) -> None:
        """Stop serving and close connections (the instrument 'loses power')."""
        if self._server is None or self._thread is None or self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._server.shutdown(), self._loop).result(10)
        self._thread.join(10)
        self._loop.close()
        self._server = None

    def __enter__(self) -> InstrumentServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
