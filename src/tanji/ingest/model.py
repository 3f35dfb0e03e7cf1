"""The dataclasses the ingest stages pass along, and the refusal error.

A :class:`Submission` is what an entry point hands in: the bytes exactly as received plus what
the channel itself asserts (the claimed device from a header or topic, the signed-in user of a
manual entry). Every later stage adds what it established; nothing is mutated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tanji.errors import CodedError
from tanji.protocols.readings import Reading

if TYPE_CHECKING:
    from tanji.evidence.models import Device
    from tanji.protocols.hj212 import DataRecord
    from tanji.tenancy.actor import Actor


class Refused(CodedError):
    """Input the pipeline refuses; ``code`` is the quarantine reason."""


@dataclass(frozen=True)
class Hj212Content:
    """A decoded HJ 212 upload: MN, access password, and its data record."""

    mn: str
    password: str
    record: DataRecord


@dataclass(frozen=True)
class Submission:
    """Input as an entry point received it.

    Attributes:
        body: the exact bytes (DSSE envelope JSON, HJ 212 frames, manual document, CSV file).
        channel: an :class:`~tanji.evidence.choices.ChannelChoices` value.
        received_at: platform receive time, aware, truncated to milliseconds (the log entry's).
        device_id: the device the channel claims (HTTP header, MQTT topic); "" when none.
        enterprise_ref: the enterprise the channel claims (MQTT topic), "" when none.
        actor: the signed-in person of a manual or file entry (R6.2).
        enterprise_id: the enterprise a manual or file entry is for.
        hj212: the upload already decoded by the HJ 212 gateway.
    """

    body: bytes
    channel: str
    received_at: datetime
    device_id: str = ""
    enterprise_ref: str = ""
    actor: Actor | None = None
    enterprise_id: int | None = None
    hj212: Hj212Content | None = None


@dataclass(frozen=True)
class Authenticated:
    """Who vouches for the input: device (or user), enterprise, trust level, signed payload."""

    submission: Submission
    enterprise_id: int
    trust_level: str
    device: Device | None = None
    payload: bytes = b""
    key_id: str = ""


@dataclass(frozen=True)
class Decoded:
    """Readings out of the payload, with the device's sequence number when it has one."""

    auth: Authenticated
    readings: Sequence[Reading]
    seq: int | None = None


@dataclass(frozen=True)
class Validated:
    """Rows ready for the store, in the tags' units: (tag_id, ts_ms, value, flag)."""

    decoded: Decoded
    rows: tuple[tuple[int, int, float, str], ...]
    tag_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Committed:
    """The outcome: the stored (or original, for a duplicate) envelope and its leaf."""

    envelope_id: int
    log_index: int
    status: str
    validated: Validated | None = None
    committed_at: datetime | None = None
    receipt: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)
