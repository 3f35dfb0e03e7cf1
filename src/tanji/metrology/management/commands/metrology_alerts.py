"""``tanji manage metrology_alerts``: the calibration reminder job (R7.2.2).

Raises one alert per instrument and due date (due within N days, overdue, failed) and refreshes
the cached calibration status; safe to run from cron daily, as often as wanted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tanji.metrology.calibration import raise_calibration_alerts
from tanji.tenancy.actor import Actor


class Command(BaseCommand):
    """Raise calibration alerts across the platform."""

    help = "Raise calibration alerts for instruments due soon, overdue or failed."

    def add_arguments(self, parser: CommandParser) -> None:
        """``--at`` (ISO date, default today) and ``--within`` days."""
        parser.add_argument("--at", type=date.fromisoformat, default=None)
        parser.add_argument("--within", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the job as the platform and print one line per new alert."""
        at = options["at"] or timezone.localdate()
        raised = raise_calibration_alerts(Actor.system(), at, options["within"])
        for alert in raised:
            self.stdout.write(f"{alert.kind}\t{alert.instrument.code}\t{alert.due_on}")
        self.stdout.write(f"{len(raised)} alert(s) raised for {at}")
