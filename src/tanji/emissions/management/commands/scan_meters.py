"""``tanji manage scan_meters``: scan every line's meters over the last hours and raise alerts.

Meant for a periodic job (cron, systemd timer): each run opens or widens one alert per
condition (ADR 0203), so running it hourly over the last three days is idempotent for what
persists. The window must exceed the 24-hour baseline of the balance drift for drift to be
judged. Each line's coal scales are also judged on the heat balance of the ``--heat-days`` local
days before the end (ADR 0241), holding or resolving the line's ``heat_balance_drift`` alert.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanji.emissions.analysis import heat, meters
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import ts_ms


class Command(BaseCommand):
    """Scan the lines of every enterprise (or of one) and raise the findings as alerts."""

    help = "Scan meters for stuck values, spikes, drift, counters going back and gaps."

    def add_arguments(self, parser: CommandParser) -> None:
        """Window length and an optional enterprise."""
        parser.add_argument(
            "--hours", type=float, default=72.0, help="window before now (h; drift needs > 24)"
        )
        parser.add_argument("--enterprise", type=int, help="enterprise id (default: all)")
        parser.add_argument("--until", help="end of the window, ISO 8601 (default: now)")
        parser.add_argument(
            "--heat-days", type=int, default=heat.DEFAULT_DAYS,
            help="days of heat balance judged per line (0: skip)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        """Scan each line and print what was found."""
        if options["hours"] <= 0:
            raise CommandError(f"--hours must be positive, got {options['hours']}")
        if options["heat_days"] < 0:
            raise CommandError(f"--heat-days must not be negative, got {options['heat_days']}")
        try:
            end = datetime.fromisoformat(options["until"]) if options["until"] else None
        except ValueError as error:
            raise CommandError(f"--until: expected ISO 8601, got {options['until']!r}") from error
        if end is not None and end.tzinfo is None:
            raise CommandError("--until needs an offset (e.g. +08:00)")
        end = end or datetime.now(UTC)
        window = (ts_ms(end - timedelta(hours=options["hours"])), ts_ms(end))
        actor = Actor.system()
        lines = plant_queries.lines(actor).order_by("enterprise_id", "code")
        if options["enterprise"] is not None:
            lines = lines.filter(enterprise_id=options["enterprise"])
        for line in lines:
            found = meters.scan_and_alert(actor, line.pk, *window)
            kinds = sorted({f.kind for f in found})
            if options["heat_days"]:
                drifts = heat.check_and_alert(actor, line.pk, at=end, days=options["heat_days"])
                kinds += [f"heat_balance ({d.scale})" for d in drifts[-1:] if d.holding]
            self.stdout.write(
                f"{line.enterprise_id} {line.code}: {len(found)} findings {', '.join(kinds)}"
            )
