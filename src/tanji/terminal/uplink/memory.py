"""In-memory uplink: a function stands in for the platform (tests, benchmarks, the demo).

Switching ``online`` off rehearses an outage exactly where the network would fail, so the
forwarder's back-off, backlog and interleaving run unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from tanji.terminal.uplink.base import UplinkError

Platform = Callable[[bytes], bytes | None]


class MemoryUplink:
    """Delivers envelopes to ``platform``, which returns a receipt envelope (or ``None``).

    Args:
        platform: called with each envelope; returning ``None`` models a lost receipt.
    """

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.online = True
        self.sent = 0
        self.heartbeats: list[bytes] = []
        self._receipts: list[bytes] = []
        self.pending_commands: list[bytes] = []

    def submit(self, seq: int, envelope: bytes) -> None:
        """Hand the envelope to the platform function."""
        if not self.online:
            raise UplinkError("uplink.offline", "memory uplink is offline (seq {seq})", seq=seq)
        self.sent += 1
        receipt = self.platform(envelope)
        if receipt is not None:
            self._receipts.append(receipt)

    def receipts(self) -> list[bytes]:
        """Receipts returned so far."""
        out, self._receipts = self._receipts, []
        return out

    def commands(self) -> list[bytes]:
        """Commands queued by the test in :attr:`pending_commands`."""
        out, self.pending_commands = self.pending_commands, []
        return out

    def heartbeat(self, document: bytes) -> None:
        """Keep the report for inspection."""
        if not self.online:
            raise UplinkError("uplink.offline", "memory uplink is offline")
        self.heartbeats.append(document)

    def close(self) -> None:
        """Nothing to release."""
