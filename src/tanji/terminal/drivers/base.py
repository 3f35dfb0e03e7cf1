"""The driver contract: everything the terminal reads comes through one small Protocol.

A driver is configured by a frozen dataclass (never by settings), polled by the scheduler and
closed on shutdown. It returns :class:`~tanji.protocols.readings.Reading` objects already in
engineering units; failures to reach the instrument raise :class:`DriverError`, which the agent
counts for the health heartbeat and turns into a communication-failure flag, never a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from tanji.errors import CodedError
from tanji.protocols.readings import Reading


class DriverError(CodedError):
    """An instrument could not be read (link down, timeout, exception response, bad data)."""


@runtime_checkable
class Driver(Protocol):
    """What the terminal needs from an instrument driver."""

    @property
    def name(self) -> str:
        """Instrument name, used in health reports and logs."""
        ...

    def tags(self) -> Sequence[str]:
        """The platform tags this driver produces."""
        ...

    def poll(self, now: datetime, tags: Sequence[str] | None = None) -> list[Reading]:
        """Read the given tags (all when ``None``) and return their readings at ``now``."""
        ...

    def close(self) -> None:
        """Release sockets, serial ports and files; the driver may be polled again later."""
        ...
