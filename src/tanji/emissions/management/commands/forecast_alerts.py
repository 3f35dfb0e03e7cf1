"""``tanji manage forecast_alerts``: store the year-end early warnings as alerts (ADR 0240).

Meant for a daily job (cron, systemd timer) beside ``scan_meters``: each run judges every
enterprise's year outlook (or one's), opens or updates one alert per judgement that is not
``ok`` and resolves those whose projection fell back under the target, so it is idempotent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanji.emissions.analysis import early_warning
from tanji.errors import CodedError
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import Actor


class Command(BaseCommand):
    """Judge the outlook of every enterprise (or of one) and store the warnings."""

    help = "Store year-end forecast warnings (intensity target, quota) as alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        """An optional enterprise, its quota and the moment judged."""
        parser.add_argument("--enterprise", type=int, help="enterprise id (default: all)")
        parser.add_argument("--quota", type=float, help="the year's quota, t CO2 (one enterprise)")
        parser.add_argument("--at", help="moment judged, ISO 8601 with offset (default: now)")

    def handle(self, *args: Any, **options: Any) -> None:
        """Judge each enterprise and print its levels; one without data is reported, skipped."""
        quota = options["quota"]
        if quota is not None and (options["enterprise"] is None or quota <= 0):
            raise CommandError(f"--quota needs --enterprise and a positive total, got {quota}")
        try:
            at = datetime.fromisoformat(options["at"]) if options["at"] else datetime.now(UTC)
        except ValueError as error:
            raise CommandError(f"--at: expected ISO 8601, got {options['at']!r}") from error
        if at.tzinfo is None:
            raise CommandError("--at needs an offset (e.g. +08:00)")
        actor = Actor.system()
        enterprises = tenancy_queries.enterprises(actor).order_by("pk")
        if options["enterprise"] is not None:
            enterprises = enterprises.filter(pk=options["enterprise"])
        for enterprise in enterprises:
            try:
                found = early_warning.raise_forecast_alerts(
                    actor, enterprise.pk, at=at, quota_t=quota
                )
            except CodedError as error:
                self.stdout.write(f"{enterprise.pk}: skipped ({error.code})")
                continue
            levels = ", ".join(f"{item.kind} {item.level}" for item in found)
            self.stdout.write(f"{enterprise.pk}: {levels}")
