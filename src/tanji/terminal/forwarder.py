"""Forwarder: moves batches from the outbox to the platform and frees them on signed receipts.

Selection interleaves live and backlog: each free slot of the send window alternately takes the
newest *live* batch (sealed within ``live_window_s``, so live data stays live after an outage)
and the oldest pending one (the backlog drains in sequence order). Nothing leaves the outbox
until a receipt signed by a trusted platform key names this device, the batch's sequence number
and the SHA-256 of the exact envelope stored.
An envelope without a receipt after ``resend_after_s`` is sent again; the platform answers a
repeat with a ``duplicate`` receipt, so resending is safe. Transport failures back off with
jitter. A batch the platform *refuses* (HTTP 4xx) is held aside for ``hold_s`` and retried
later, never deleted, so one poisoned batch cannot block the backlog behind it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from tanji.protocols.receipts import (
    RECEIPT_PAYLOAD_TYPE,
    Receipt,
    ReceiptFormatError,
    decode_receipt,
)
from tanji.terminal.backoff import Backoff
from tanji.terminal.buffer import Item, Outbox
from tanji.terminal.clock import ClockMonitor
from tanji.terminal.signing import TrustError, open_signed
from tanji.terminal.uplink.base import Uplink, UplinkBusy, UplinkError, UplinkRefused
from tanji.trust.keys import PublicKey

log = logging.getLogger(__name__)
#: Refused batches held aside at once; beyond this a refusal pauses the uplink like an outage.
MAX_HELD = 1000


@dataclass
class ForwarderStats:
    """Counters for the heartbeat."""

    sent: int = 0
    acknowledged: int = 0
    duplicates: int = 0
    bad_receipts: int = 0
    refused: int = 0
    last_error: str = ""
    errors: dict[str, int] = field(default_factory=dict)


class Forwarder:
    """One instance per outbox connection; call :meth:`step` in a loop."""

    def __init__(
        self,
        outbox: Outbox,
        uplink: Uplink,
        device: str,
        platform_keys: Mapping[str, PublicKey],
        *,
        revoked: Collection[str] = (),
        window: int = 64,
        resend_after_s: float = 120.0,
        live_window_s: float = 120.0,
        hold_s: float = 3600.0,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.time,
        monitor: ClockMonitor | None = None,
    ) -> None:
        self.outbox = outbox
        self.uplink = uplink
        self.device = device
        self.platform_keys = platform_keys
        self.revoked = revoked
        self.window = window
        self.resend_after_s = resend_after_s
        self.live_window_s = live_window_s
        self.hold_s = hold_s
        self.backoff = backoff or Backoff()
        self.monitor = monitor or ClockMonitor()
        self.stats = ForwarderStats()
        self._clock = clock
        self._inflight: dict[int, float] = {}
        self._held: dict[int, float] = {}
        self._paused_until = 0.0
        self._live_turn = True

    def step(self) -> int:
        """Collect receipts, then send what the window allows; returns batches sent."""
        self.collect()
        now = self._clock()
        if now < self._paused_until:
            return 0
        stale = [s for s, t in self._inflight.items() if now - t > self.resend_after_s]
        for seq in stale:
            del self._inflight[seq]
        sent = 0
        for item in self._select(self.window - len(self._inflight)):
            try:
                self.uplink.submit(item.seq, item.envelope)
            except UplinkBusy:
                break
            except UplinkRefused as exc:
                self._hold(item.seq, exc)  # the platform answered: the others may still go
                if len(self._held) <= MAX_HELD:
                    continue
                self._failed(exc)
                break
            except UplinkError as exc:
                self._failed(exc)
                break
            self._inflight[item.seq] = self._clock()
            sent += 1
            self.backoff.succeeded()
        self.stats.sent += sent
        self.collect()  # synchronous uplinks have answered already: one transaction for all
        return sent

    def _count(self, exc: UplinkError) -> None:
        self.stats.last_error = str(exc)
        self.stats.errors[exc.code] = self.stats.errors.get(exc.code, 0) + 1

    def _failed(self, exc: UplinkError) -> None:
        self._count(exc)
        self._paused_until = self._clock() + self.backoff.failed()

    def _hold(self, seq: int, exc: UplinkRefused) -> None:
        """Keep a refused batch (never deleted without a receipt) but retry it only later."""
        self._count(exc)
        self.stats.refused += 1
        self._held[seq] = self._clock() + self.hold_s
        log.error("platform refused batch %d (held for %.0f s): %s", seq, self.hold_s, exc)

    def _select(self, free: int) -> list[Item]:
        if free <= 0:
            return []
        now = self._clock()
        self._held = {seq: until for seq, until in self._held.items() if until > now}
        busy = self._inflight.keys() | self._held.keys()
        span = free + len(busy)
        since = now - self.live_window_s
        newest = [i for i in self.outbox.newest(span, since) if i.seq not in busy]
        oldest = [i for i in self.outbox.oldest(span) if i.seq not in busy]
        chosen: dict[int, Item] = {}
        while len(chosen) < free and (newest or oldest):
            source = newest if (self._live_turn and newest) or not oldest else oldest
            item = source.pop(0)
            chosen.setdefault(item.seq, item)
            self._live_turn = not self._live_turn
        return list(chosen.values())

    def collect(self) -> int:
        """Verify received receipts and free their batches; returns how many were freed."""
        verified: list[tuple[int, bytes, bytes]] = []
        duplicates = 0
        for data in self.uplink.receipts():
            receipt = self._verify(data)
            if receipt is None:
                continue
            self._held.pop(receipt.seq, None)
            sent = self._inflight.pop(receipt.seq, None)
            if sent is not None:
                self.monitor.observe(receipt.time.timestamp(), sent, self._clock())
            verified.append((receipt.seq, receipt.envelope_sha256, data))
            duplicates += receipt.status == "duplicate"
        if not verified:
            return 0
        freed = self.outbox.acknowledge_many(verified)
        self.stats.acknowledged += freed
        self.stats.duplicates += duplicates
        return freed

    def _verify(self, data: bytes) -> Receipt | None:
        try:
            receipt = decode_receipt(
                open_signed(data, RECEIPT_PAYLOAD_TYPE, self.platform_keys, self.revoked)
            )
        except (TrustError, ReceiptFormatError) as exc:
            self.stats.bad_receipts += 1
            log.warning("receipt refused: %s", exc)
            return None
        if receipt.device != self.device:
            self.stats.bad_receipts += 1
            log.warning("receipt for device %s refused", receipt.device)
            return None
        return receipt

    @property
    def inflight(self) -> int:
        """Envelopes sent and awaiting their receipt."""
        return len(self._inflight)


def envelope_digest(envelope: bytes) -> bytes:
    """SHA-256 of the envelope bytes exactly as stored and sent (what a receipt names)."""
    return hashlib.sha256(envelope).digest()
