"""What the HJ 212 gateway needs from the platform: a device registry and a durable sink.

Both are small protocols so the gateway stays independent of Django: the ingest pipeline
implements :class:`FrameSink` (authenticate → decode → validate → de-duplicate → commit) and the
plant/tenancy apps implement :class:`DeviceRegistry`. Tests use an in-memory registry and a real
SQLite sink.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tanji.protocols.hj212 import DataRecord, Message


class Device(Protocol):
    """A registered data-acquisition device (DAS), identified by its MN."""

    @property
    def mn(self) -> str:
        """The HJ 212 device identifier."""
        ...

    def verify_password(self, password: str) -> bool:
        """Whether ``password`` (the frame's PW) is this device's access password."""
        ...


class DeviceRegistry(Protocol):
    """Looks devices up by MN."""

    async def find(self, mn: str) -> Device | None:
        """The device with this MN, or ``None`` when none is registered."""
        ...


@dataclass(frozen=True, slots=True)
class Hj212Upload:
    """One decoded data upload, as handed to the sink.

    Attributes:
        message: the (reassembled) message; ``message.qn`` names the exchange.
        record: its data record (``DataTime`` and values per pollutant code).
        frames: the raw frames it came in (evidence; several when split).
        peer: remote address ``host:port``.
        received_at: when the last frame arrived (aware, UTC).
    """

    message: Message
    record: DataRecord
    frames: tuple[bytes, ...]
    peer: str
    received_at: datetime


class FrameSink(Protocol):
    """Where decoded data goes; implemented by the ingest pipeline."""

    async def accept(self, device: Device, upload: Hj212Upload) -> None:
        """Store ``upload`` durably, then return.

        Returning means the data is durable (committed), so the gateway may acknowledge it; a
        re-sent or re-uploaded duplicate must also return normally once it is known to be
        stored. Raise to refuse: the gateway then sends no acknowledgement and the device
        retries.
        """
        ...


@dataclass(frozen=True, slots=True)
class RegisteredDevice:
    """A device with its password held in memory (tests, demo, static configuration)."""

    mn: str
    password: str

    def verify_password(self, password: str) -> bool:
        """Constant-time comparison."""
        return hmac.compare_digest(self.password.encode(), password.encode())


class InMemoryRegistry:
    """A :class:`DeviceRegistry` over a fixed set of devices."""

    def __init__(self, devices: Iterable[RegisteredDevice]) -> None:
        self._devices = {d.mn: d for d in devices}

    async def find(self, mn: str) -> Device | None:
        """The device with this MN, if registered."""
        return self._devices.get(mn)
