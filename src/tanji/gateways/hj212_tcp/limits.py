"""Limits of the HJ 212 gateway, as one frozen configuration object.

Defaults follow HJ 212-2017: a frame is at most 1036 bytes; devices resend after 10 s (3 times),
upload real-time data every 30–3600 s, so a link silent for 10 minutes is gone. Rates and
counts are set against abuse (reliability target I5: a flooding device is throttled within 1 s).
"""

from __future__ import annotations

from dataclasses import dataclass

from tanji.protocols.hj212 import DEFAULT_VERSIONS, MAX_FRAME_BYTES, ProtocolVersion


@dataclass(frozen=True, slots=True)
class GatewayLimits:
    """Every bound the gateway enforces.

    Attributes:
        versions: protocol versions (Flag bits) accepted.
        max_frame_bytes: largest frame; longer candidates are dropped (bounds the buffer).
        idle_timeout_s: close a connection silent this long.
        frame_timeout_s: close a connection whose started frame does not complete this fast
            (slow-drip clients).
        write_timeout_s: close a connection that does not read our answers.
        sink_timeout_s: give up waiting for the sink (no acknowledgement is sent).
        frames_per_s: sustained frame rate allowed per connection.
        frame_burst: frames allowed at once above the sustained rate.
        max_connections: connections open at once, all devices together.
        max_connections_per_device: connections per MN; a new one closes the oldest
            (a device that reconnects after a broken link replaces its stale connection).
        reconnects_per_minute: new authenticated connections per device and minute (burst
            and sustained); more are refused with 9011 QnRtn=2.
        max_bad_frames: malformed frames tolerated per connection before it is closed.
        split_timeout_s: how long a split message may wait for its packets.
        vendor_codes: accept pollutant codes outside HJ 212 App. B.
    """

    versions: frozenset[ProtocolVersion] = DEFAULT_VERSIONS
    max_frame_bytes: int = MAX_FRAME_BYTES
    idle_timeout_s: float = 600.0
    frame_timeout_s: float = 30.0
    write_timeout_s: float = 10.0
    sink_timeout_s: float = 60.0
    frames_per_s: float = 20.0
    frame_burst: int = 100
    max_connections: int = 2000
    max_connections_per_device: int = 2
    reconnects_per_minute: int = 15
    max_bad_frames: int = 20
    split_timeout_s: float = 60.0
    vendor_codes: bool = False


class TokenBucket:
    """Frame-rate limiter: ``rate`` tokens per second, at most ``burst`` saved."""

    def __init__(self, rate: float, burst: int, now_s: float) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.updated_s = now_s

    def take(self, now_s: float) -> bool:
        """Spend one token; ``False`` when the client is over its rate."""
        self.tokens = min(self.burst, self.tokens + (now_s - self.updated_s) * self.rate)
        self.updated_s = now_s
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True
