"""Health heartbeat: what an operator needs to see that a terminal in a cabinet is well.

Queue depth and backlog age (is the uplink keeping up), the last reading per instrument and
driver errors (is a meter silent), free disk and the buffer-full alarm (will data be lost), the
clock offset (can times be trusted). The same document is written to ``status.json`` for
``tanji terminal status`` and sent, signed, to the platform.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tanji.terminal.control import _atomic_write

HEARTBEAT_PAYLOAD_TYPE = "application/vnd.tanji.terminal-health.v1+json"


@dataclass
class InstrumentHealth:
    """Per-instrument counters."""

    last_reading: float | None = None
    errors: int = 0
    last_error: str = ""


@dataclass
class Health:
    """One heartbeat."""

    device: str
    time: float
    queue_batches: int = 0
    queue_readings: int = 0
    backlog_age_s: float = 0.0
    inflight: int = 0
    disk_free_bytes: int = 0
    buffer_full: bool = False
    dropped_readings: int = 0
    clock_offset_s: float | None = None
    clock_drifted: bool = False
    uplink: Mapping[str, Any] = field(default_factory=dict)
    instruments: dict[str, InstrumentHealth] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """Canonical JSON (sorted keys)."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode()


def disk_free(path: Path) -> int:
    """Bytes available to the terminal on the file system holding ``path``."""
    return shutil.disk_usage(path).free


def write_status(path: Path, health: Health) -> None:
    """Replace the local status file atomically."""
    _atomic_write(path, health.to_json())


def read_status(path: Path) -> dict[str, Any] | None:
    """The last status written, if any."""
    if not path.exists():
        return None
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document
