"""``tanji manage export_bundle``: write an evidence bundle and say how to verify it.

The command-line twin of ``GET /api/v1/log/bundles``: the enterprise's signed envelopes
received since ``--from`` (readings of the period may arrive late; the figure counts only
readings timed in ``[--from, --to)``), optionally a line's process or electricity figure of that
period with the lab records and factor entries it used, a checkpoint cosigned by the provincial
witness when its key is configured. It prints the ``tanji verify`` command with both verifier
keys to pin (ADR 0181, 0182), and how the bundle's lab records were vouched for: signed by the
person, attested by the platform for a signed-in user, or unsigned — which alone keeps a
figure from verifying fully (ADR 0210).
"""

from __future__ import annotations

import shlex
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanji.config import load_settings
from tanji.errors import CodedError
from tanji.evidence.bundles import export_bundle
from tanji.evidence.figures import FigureSpec
from tanji.evidence.signing import platform_key, witness_key
from tanji.evidence.witness import witness_verifier_key
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.trust.bundle_document import BundleRecord, write_bundle_zip
from tanji.trust.checkpoint import log_verifier
from tanji.trust.note import verifier_key
from tanji.web.api.log import line_figure
from tanji.web.management.arguments import add_period_arguments, utc_day


class Command(BaseCommand):
    """Export a zipped evidence bundle and print the verify command."""

    help = "Write an evidence bundle (optionally a line's process or electricity figure)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Enterprise, period (UTC dates, end exclusive), figure and line, output file."""
        add_period_arguments(parser)
        parser.add_argument("--figure", choices=("process", "electricity"), help="figure kind")
        parser.add_argument("--line", help="line code of the figure, e.g. L1")
        parser.add_argument("--output", "-o", type=Path, required=True, help="bundle .zip")

    def handle(self, *args: Any, **options: Any) -> None:
        """Export, write, print the command that verifies it."""
        actor, settings = Actor.system(), load_settings()
        period = (utc_day(options["first"]), utc_day(options["end"]))
        spec = _spec(actor, options, period)
        key, witness = platform_key(), witness_key()
        try:
            bundle = export_bundle(
                actor, options["enterprise"], period[0], datetime.now(UTC), key=key,
                origin=settings.log_origin,
                figure=spec, witness=None if witness is None else (witness, settings.witness_name),
            )  # fmt: skip
        except CodedError as error:
            raise CommandError(f"{error.code}: {error}") from error
        options["output"].write_bytes(write_bundle_zip(bundle))
        pins = ["--log-key", verifier_key(log_verifier(settings.log_origin, key.public_key()))]
        if witness is not None:
            pins += ["--witness-key", witness_verifier_key(witness, settings.witness_name)]
        claim = "" if bundle.figure is None else f", {bundle.figure.value} {bundle.figure.unit}"
        self.stdout.write(f"{options['output']}: {len(bundle.records)} records{claim}")
        if labs := _lab_trust(bundle.records):
            self.stdout.write(f"lab records: {labs}")
        self.stdout.write(shlex.join(["tanji", "verify", str(options["output"]), *pins]))


def _spec(
    actor: Actor, options: dict[str, Any], period: tuple[datetime, datetime]
) -> FigureSpec | None:
    if options["figure"] is None:
        return None
    line = (
        plant_queries.lines(actor)
        .filter(enterprise_id=options["enterprise"], code=options["line"] or "")
        .first()
    )
    if line is None:
        raise CommandError(
            f"--figure needs --line: a line code of enterprise {options['enterprise']}"
        )
    return line_figure(actor, options["figure"], line, period)


_LAB_TRUST = {"lab-signed": "signed", "lab-attested": "attested", "lab": "unsigned"}


def _lab_trust(records: tuple[BundleRecord, ...]) -> str:
    """``2 attested, 1 unsigned``: the lab records by trust level ('' when there are none)."""
    counts = Counter(_LAB_TRUST[r.kind] for r in records if r.kind in _LAB_TRUST)
    return ", ".join(f"{counts[t]} {t}" for t in _LAB_TRUST.values() if counts[t])
