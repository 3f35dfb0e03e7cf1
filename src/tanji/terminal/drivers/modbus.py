"""Modbus TCP and RTU driver: reads a register map per instrument through pymodbus.

Neighbouring points with the same function code are read in one request (up to 125 registers,
Modbus Application Protocol V1.1b3 §6.3) because each round trip on an RS-485 line at 9600 baud
costs tens of milliseconds. A failed request closes the client; the next poll reconnects, so a
power-cycled meter or a cable pulled and replugged recovers without restarting the terminal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.exceptions import ModbusException

from tanji.protocols.readings import QualityFlag, Reading
from tanji.protocols.registers import RegisterError, RegisterPoint, decode, point_from_dict
from tanji.terminal.drivers.base import DriverError

#: Longest read of holding/input registers in one request.
MAX_REGISTERS_PER_READ = 125
#: Registers skipped over inside one block rather than issuing a second request.
MAX_GAP = 8


@dataclass(frozen=True)
class ModbusTcpConfig:
    """An instrument reached over Modbus TCP (or an RS-485 gateway speaking Modbus TCP)."""

    name: str
    host: str
    points: tuple[RegisterPoint, ...]
    port: int = 502
    unit_id: int = 1
    timeout_s: float = 2.0


@dataclass(frozen=True)
class ModbusRtuConfig:
    """An instrument on a serial line speaking Modbus RTU."""

    name: str
    serial_port: str
    points: tuple[RegisterPoint, ...]
    baudrate: int = 9600
    parity: str = "N"
    stopbits: int = 1
    bytesize: int = 8
    unit_id: int = 1
    timeout_s: float = 1.0


@dataclass(frozen=True)
class _Block:
    function: int
    start: int
    count: int
    points: tuple[RegisterPoint, ...]


def plan_reads(points: Sequence[RegisterPoint]) -> list[_Block]:
    """Group points into as few register reads as the limits allow."""
    blocks: list[_Block] = []
    for point in sorted(points, key=lambda p: (p.function, p.address)):
        last = blocks[-1] if blocks else None
        end = point.address + point.count
        if (
            last is not None
            and last.function == point.function
            and point.address <= last.start + last.count + MAX_GAP
            and end - last.start <= MAX_REGISTERS_PER_READ
        ):
            count = max(last.count, end - last.start)
            blocks[-1] = _Block(last.function, last.start, count, (*last.points, point))
        else:
            blocks.append(_Block(point.function, point.address, point.count, (point,)))
    return blocks


class ModbusDriver:
    """Driver for one Modbus instrument (one unit id on a TCP endpoint or a serial line)."""

    def __init__(self, config: ModbusTcpConfig | ModbusRtuConfig) -> None:
        self.config = config
        self._points = {p.tag: p for p in config.points}
        self._client: Any = None  # pymodbus clients are partly untyped

    @property
    def name(self) -> str:
        """Instrument name."""
        return self.config.name

    def tags(self) -> Sequence[str]:
        """Tags of the register map."""
        return tuple(self._points)

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        cfg = self.config
        client: Any
        if isinstance(cfg, ModbusTcpConfig):
            client = ModbusTcpClient(cfg.host, port=cfg.port, timeout=cfg.timeout_s, retries=0)
        else:
            client = ModbusSerialClient(
                cfg.serial_port,
                baudrate=cfg.baudrate,
                parity=cfg.parity,
                stopbits=cfg.stopbits,
                bytesize=cfg.bytesize,
                timeout=cfg.timeout_s,
                retries=0,
            )
        if not client.connect():
            client.close()
            raise DriverError(
                "driver.modbus.connect", "{name}: cannot connect to the instrument", name=cfg.name
            )
        self._client = client
        return client

    def _read(self, block: _Block) -> list[int]:
        client = self._connect()
        read = client.read_holding_registers if block.function == 3 else client.read_input_registers
        try:
            response: Any = read(block.start, count=block.count, device_id=self.config.unit_id)
        except ModbusException as exc:
            self.close()
            raise DriverError(
                "driver.modbus.io", "{name}: {error}", name=self.config.name, error=str(exc)
            ) from None
        if response.isError():
            raise DriverError(
                "driver.modbus.exception",
                "{name}: exception response to function {function} at {address}: {response}",
                name=self.config.name,
                function=block.function,
                address=block.start,
                response=str(response),
            )
        registers: list[int] = list(response.registers)
        return registers

    def poll(self, now: datetime, tags: Sequence[str] | None = None) -> list[Reading]:
        """Read the requested tags; a bad value becomes a fault-flagged reading, not a gap."""
        wanted = [self._points[t] for t in (tags if tags is not None else self._points)]
        readings: list[Reading] = []
        for block in plan_reads(wanted):
            registers = self._read(block)
            for point in block.points:
                offset = point.address - block.start
                try:
                    value = decode(point, registers[offset : offset + point.count])
                    flag = QualityFlag.NORMAL
                except RegisterError:
                    value, flag = 0.0, QualityFlag.FAULT
                readings.append(Reading(point.tag, now, value, point.unit, flag))
        return readings

    def close(self) -> None:
        """Close the connection; the next poll reconnects."""
        if self._client is not None:
            self._client.close()
            self._client = None


def _points(name: str, settings: Mapping[str, Any]) -> tuple[RegisterPoint, ...]:
    raw = settings.get("points")
    if not isinstance(raw, list) or not raw:
        raise DriverError(
            "driver.modbus.points",
            "{name}: settings.points must be a non-empty list of register points",
            name=name,
        )
    return tuple(point_from_dict(p, f"{name}.points[{i}]") for i, p in enumerate(raw))


def _fields(name: str, settings: Mapping[str, Any], cls: Any, required: set[str]) -> dict[str, Any]:
    known = {f.name for f in dataclasses.fields(cls)} - {"name", "points"}
    unknown = set(settings) - known - {"points"}
    missing = required - set(settings)
    if unknown or missing:
        raise DriverError(
            "driver.modbus.settings",
            "{name}: missing {missing}, unknown {unknown} settings",
            name=name,
            missing=sorted(missing),
            unknown=sorted(unknown),
        )
    return {k: v for k, v in settings.items() if k in known}


def tcp_from_settings(name: str, settings: Mapping[str, Any]) -> ModbusDriver:
    """Factory for ``driver = "modbus_tcp"``."""
    fields = _fields(name, settings, ModbusTcpConfig, {"host"})
    return ModbusDriver(ModbusTcpConfig(name=name, points=_points(name, settings), **fields))


def rtu_from_settings(name: str, settings: Mapping[str, Any]) -> ModbusDriver:
    """Factory for ``driver = "modbus_rtu"``."""
    fields = _fields(name, settings, ModbusRtuConfig, {"serial_port"})
    return ModbusDriver(ModbusRtuConfig(name=name, points=_points(name, settings), **fields))
