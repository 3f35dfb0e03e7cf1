"""``tanji manage timeseries_partitions``: the job that creates monthly sample partitions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from tanji.timeseries.partitions import ensure_ahead


class Command(BaseCommand):
    """Create PostgreSQL sample partitions for this month and the next few (cron/systemd timer)."""

    help = "Create monthly time-series partitions ahead of time (PostgreSQL; no-op on SQLite)."

    def add_arguments(self, parser: CommandParser) -> None:
        """How many months ahead, on which database."""
        parser.add_argument("--months-ahead", type=int, default=3)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        """Create the partitions and say how many were new."""
        connection = connections[options["database"]]
        made = ensure_ahead(connection, options["months_ahead"])
        self.stdout.write(f"{made} partition(s) created on {connection.vendor}")
