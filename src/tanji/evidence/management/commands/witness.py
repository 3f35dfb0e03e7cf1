"""``tanji manage witness``: sign the log's head and have the provincial witness cosign it.

Run once (on demand) or with ``--every SECONDS`` as the scheduled job (a service manager keeps it
running; each round is its own transaction, so a refused round leaves the witness's view as it
was). A checkpoint the witness cannot cosign — the log does not extend what it cosigned last —
stops the command with the reason: that is the alarm a witness exists to raise (ADR 0182).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanji.config import load_settings
from tanji.errors import CodedError
from tanji.evidence.signing import platform_key, witness_key
from tanji.evidence.witness import witness_checkpoint, witness_verifier_key


class Command(BaseCommand):
    """Cosign the current checkpoint once, or every ``--every`` seconds."""

    help = "Sign the log head and cosign it with the provincial witness key (once or --every N)."

    def add_arguments(self, parser: CommandParser) -> None:
        """``--every SECONDS`` repeats; ``--rounds N`` bounds the repetitions (0: forever)."""
        parser.add_argument("--every", type=float, default=0.0, help="repeat every SECONDS")
        parser.add_argument("--rounds", type=int, default=0, help="stop after N rounds")

    def handle(self, *args: Any, **options: Any) -> None:
        """Cosign, print the size and the witness key, repeat when asked."""
        settings, key = load_settings(), witness_key()
        if key is None:
            raise CommandError("no witness key: set TANJI_WITNESS_KEY_FILE or _PEM")
        self.stdout.write(f"witness key: {witness_verifier_key(key, settings.witness_name)}")
        rounds = 0
        while True:
            try:
                cosigned = witness_checkpoint(
                    log_key=platform_key(),
                    origin=settings.log_origin,
                    witness=key,
                    name=settings.witness_name,
                )
            except CodedError as error:
                raise CommandError(f"{error.code}: {error}") from error
            self.stdout.write(
                f"cosigned size {cosigned.size} at {cosigned.cosigned_at.isoformat()}"
            )
            rounds += 1
            if options["every"] <= 0 or rounds == options["rounds"]:
                return
            time.sleep(options["every"])
