"""Factories for terminal tests: keys, a receipting platform, signed control documents."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tanji.protocols.readings import QualityFlag, Reading
from tanji.simulator.field.platform import ReceiptingPlatform
from tanji.terminal.buffer import Outbox
from tanji.terminal.control import COMMAND_PAYLOAD_TYPE, CONFIG_PAYLOAD_TYPE
from tanji.terminal.forwarder import Forwarder
from tanji.terminal.signing import Sealer
from tanji.terminal.uplink.memory import MemoryUplink
from tanji.trust import dsse
from tanji.trust.keys import PrivateKey, generate_private_key

DEVICE = "T-4201-01"
T0 = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """A settable wall clock in seconds."""

    now: float = T0.timestamp()

    def __call__(self) -> float:
        return self.now


@dataclass
class Field:
    """A terminal key, a platform and the wiring between them."""

    tmp: Path
    terminal_key: PrivateKey = field(default_factory=generate_private_key)
    platform_key: PrivateKey = field(default_factory=generate_private_key)
    clock: FakeClock = field(default_factory=FakeClock)

    def __post_init__(self) -> None:
        self.platform = ReceiptingPlatform(
            self.platform_key, clock=lambda: datetime.fromtimestamp(self.clock(), UTC)
        )
        self.platform.enrol(self.terminal_key.public_key())
        self.sealer = Sealer(DEVICE, self.terminal_key)
        self.uplink = MemoryUplink(self.platform.answer)

    @property
    def platform_keys(self) -> dict[str, Any]:
        public = self.platform_key.public_key()
        return {public.key_id: public}

    def outbox(self, name: str = "outbox.sqlite3", **kwargs: Any) -> Outbox:
        return Outbox(self.tmp / name, clock=self.clock, **kwargs)

    def forwarder(self, outbox: Outbox, **kwargs: Any) -> Forwarder:
        return Forwarder(
            outbox, self.uplink, DEVICE, self.platform_keys, clock=self.clock, **kwargs
        )

    def store(self, outbox: Outbox, readings: Sequence[Reading]) -> int:
        created = datetime.fromtimestamp(self.clock(), UTC)
        return outbox.append(lambda seq: (self.sealer.seal(seq, created, readings), len(readings)))


def readings(
    start: datetime, count: int, tag: str = "L1.COAL.KH", step_s: int = 1, base: float = 0.0
) -> list[Reading]:
    """``count`` readings of one tag with distinct values ``base + i``."""
    return [
        Reading(tag, start + timedelta(seconds=i * step_s), base + i, "t/h", QualityFlag.NORMAL)
        for i in range(count)
    ]


def signed(key: PrivateKey, payload_type: str, document: dict[str, Any]) -> bytes:
    """A DSSE envelope of a JSON document."""
    payload = json.dumps(document, sort_keys=True).encode()
    return dsse.encode_envelope(dsse.sign_envelope(payload_type, payload, key.signer()))


def config_envelope(
    key: PrivateKey,
    version: int,
    instruments: list[dict[str, Any]] | None = None,
    device: str = DEVICE,
    **extra: Any,
) -> bytes:
    """A signed terminal configuration."""
    document = {"device": device, "version": version, "instruments": instruments or [], **extra}
    return signed(key, CONFIG_PAYLOAD_TYPE, document)


def command_envelope(
    key: PrivateKey, seq: int, command: str = "send_status", device: str = DEVICE
) -> bytes:
    """A signed command."""
    return signed(
        key, COMMAND_PAYLOAD_TYPE, {"device": device, "seq": seq, "command": command, "args": {}}
    )
