"""Progress of the demo's background back-fill, shown on every page while it runs.

``tanji demo`` serves the first page before its history is complete and keeps writing behind it
(ADR 0171); the house rule is that long work shows progress. The back-fill thread writes a small
JSON file into the data directory, replaced atomically; every page in demo mode reads it (a
file of ~100 bytes) and shows a progress bar until the stage is ``complete``. A file, not a
table, because it is demo-only and must not need a migration.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

FILENAME = "demo-progress.json"
COMPLETE = "complete"
#: Stages in order; the page names them (translated in the template).
STAGES = ("recent", "history", "lab", "figures", COMPLETE, "failed")


@dataclass(frozen=True)
class DemoProgress:
    """Where the background back-fill is.

    Attributes:
        stage: one of :data:`STAGES`.
        done: simulated minutes written so far (of ``total``) in the history stage.
        total: simulated minutes the history stage writes.
        oldest: ISO time of the oldest data written so far ("" before the first chunk).
        updated: UNIX time of this state.
    """

    stage: str
    done: int = 0
    total: int = 0
    oldest: str = ""
    updated: float = 0.0

    @property
    def percent(self) -> int:
        """History written, in percent (0 before, 100 after the history stage)."""
        if self.stage == "recent":
            return 0
        if self.stage != "history":
            return 100
        return min(100, self.done * 100 // max(self.total, 1))

    @property
    def running(self) -> bool:
        """Whether the page should show (and poll) the progress bar."""
        return self.stage != COMPLETE


def write(data_dir: Path, progress: DemoProgress) -> None:
    """Replace the progress file atomically (readers never see half a document)."""
    temporary = data_dir / f".{FILENAME}.{os.getpid()}.tmp"
    document = asdict(progress) | {"updated": time.time()}
    temporary.write_text(json.dumps(document), encoding="utf-8")
    temporary.replace(data_dir / FILENAME)


def read(data_dir: Path) -> DemoProgress | None:
    """The current progress, or None when no back-fill ever wrote one (or it is unreadable)."""
    try:
        document = json.loads((data_dir / FILENAME).read_text(encoding="utf-8"))
        return DemoProgress(**document)
    except (OSError, ValueError, TypeError):
        return None
