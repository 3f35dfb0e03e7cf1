"""HJ 212 uploads as pipeline input: MN + password the identity, the frames the evidence.

What the gateway's ``DeviceRegistry`` and ``FrameSink`` call (see ``tanji.gateways.intake``);
the record becomes readings in the decode stage (:mod:`tanji.ingest.hj212_records`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tanji.evidence.choices import ChannelChoices
from tanji.evidence.services import password_matches
from tanji.ingest.model import Hj212Content, Submission
from tanji.ingest.pipeline import Outcome, ingest
from tanji.ingest.raw_rows import logger_digest
from tanji.protocols.hj212 import DataRecord

__all__ = ["LoggerDevice", "find_logger", "ingest_upload", "upload_submission"]


@dataclass(frozen=True)
class LoggerDevice:
    """A registered HJ 212 data logger, as the gateway's ``DeviceRegistry`` returns it."""

    mn: str
    _digest: str

    def verify_password(self, password: str) -> bool:
        """Constant-time check against the stored digest."""
        return password_matches(self.mn, self._digest, password)


def find_logger(mn: str) -> LoggerDevice | None:
    """The active HJ 212 logger with this MN, if any (its stored password digest)."""
    digest = logger_digest(mn)
    return None if digest is None else LoggerDevice(mn, digest)


def upload_submission(
    mn: str, password: str, record: DataRecord, frames: tuple[bytes, ...], received_at: datetime
) -> Submission:
    """The pipeline input of one upload (trust level unsigned); the frames are the evidence."""
    return Submission(
        body=b"".join(frames),
        channel=ChannelChoices.HJ212,
        received_at=received_at,
        device_id=mn,
        hj212=Hj212Content(mn=mn, password=password, record=record),
    )


def ingest_upload(
    mn: str, password: str, record: DataRecord, frames: tuple[bytes, ...], received_at: datetime
) -> Outcome:
    """Run one upload through the pipeline on its own (see :func:`upload_submission`)."""
    return ingest(upload_submission(mn, password, record, frames, received_at))
