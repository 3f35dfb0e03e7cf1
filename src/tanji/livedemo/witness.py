"""The demo province's witness on a schedule: cosign the log head every few minutes.

In a deployment the provincial platform runs ``tanji manage witness --every`` (or its own
witness) against the enterprise log; the demo holds both sides in one process, so a thread does
the same (ADR 0182). Each round is its own transaction with its own connection; a failed round
is reported on stderr and the next one tries again.
"""

from __future__ import annotations

import sys
import threading

from django.db import connections

from tanji.config import load_settings
from tanji.evidence.models import WitnessCosignature
from tanji.evidence.signing import platform_key, witness_key
from tanji.evidence.witness import witness_checkpoint

#: Seconds between two cosignatures of the demo witness.
INTERVAL_S = 300.0


class DemoWitness:
    """Cosign the current checkpoint now and then every ``interval`` seconds."""

    def __init__(self, interval: float = INTERVAL_S) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-witness", daemon=True)

    def start(self) -> None:
        """Start cosigning in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to finish and wait for it."""
        self._stop.set()
        self._thread.join(timeout=30)

    def cosign(self) -> WitnessCosignature | None:
        """One round: sign the head and cosign it (``None`` without a witness key)."""
        settings, key = load_settings(), witness_key()
        if key is None:
            return None
        return witness_checkpoint(
            log_key=platform_key(), origin=settings.log_origin, witness=key,
            name=settings.witness_name,
        )  # fmt: skip

    def _run(self) -> None:
        try:
            while True:
                try:
                    self.cosign()
                except Exception as error:
                    sys.stderr.write(f"tanji demo: witness round failed: {error}\n")
                if self._stop.wait(self.interval):
                    return
        finally:
            connections.close_all()
