"""The uplink contract: transmit envelope bytes, hand back the receipts that came in.

Transmission and receipts are decoupled because MQTT delivers receipts on their own topic at
their own time; HTTPS simply returns one in the response body. Neither a successful transmit nor
an MQTT PUBACK frees anything: only a receipt verified by the forwarder does.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from tanji.errors import CodedError


class UplinkError(CodedError):
    """The platform could not be reached or did not take the envelope; retry later."""


class UplinkBusy(UplinkError):
    """Too many envelopes in flight; wait for receipts before sending more."""


class UplinkRefused(UplinkError):
    """The platform answered and refused the envelope (it stays queued and is reported)."""


@runtime_checkable
class Uplink(Protocol):
    """A way to the platform."""

    def submit(self, seq: int, envelope: bytes) -> None:
        """Transmit one batch envelope; raise :class:`UplinkError` when it did not go out."""
        ...

    def receipts(self) -> list[bytes]:
        """Receipt envelopes received since the last call (signed, not yet verified)."""
        ...

    def commands(self) -> list[bytes]:
        """Command envelopes from the platform since the last call (signed, not yet verified)."""
        ...

    def heartbeat(self, document: bytes) -> None:
        """Best-effort health report (never queued); raise :class:`UplinkError` on failure."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
