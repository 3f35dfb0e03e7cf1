"""``tanji recompute``: recompute a line's (or a site's) emission figures for a period.

Figures keep the factor-library version they were computed with, and the live engine only
touches the hours new samples can change, so a closed period changes only through this explicit
command — which reports the versions it replaced (ADR 0121).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanji.emissions import queries, services
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import ts_ms

#: Period bounds are Beijing-local dates, like every report.
LOCAL = timedelta(hours=8)


def _local_midnight(day: str) -> int:
    try:
        parsed = date.fromisoformat(day)
    except ValueError as error:
        raise CommandError(f"expected a date YYYY-MM-DD, got {day!r}") from error
    return ts_ms(datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC) - LOCAL)


class Command(BaseCommand):
    """Recompute every line and site of an enterprise, or one line, over local dates."""

    help = "Recompute emission figures of an enterprise (or one line) for [--from, --to]."

    def add_arguments(self, parser: CommandParser) -> None:
        """Enterprise id, optional line code, first and last local date (inclusive)."""
        parser.add_argument("--enterprise", type=int, required=True, help="enterprise id")
        parser.add_argument("--line", help="line code (default: every line and site)")
        parser.add_argument("--from", dest="first", required=True, help="first date YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="last date YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        """Recompute and report what was replaced."""
        actor = Actor.system()
        start = _local_midnight(options["first"])
        end = _local_midnight(options["last"]) + 24 * 3_600_000
        if end <= start:
            raise CommandError("--to must not be before --from")
        lines = plant_queries.lines(actor).filter(enterprise_id=options["enterprise"])
        if options["line"]:
            lines = lines.filter(code=options["line"])
        if not lines.exists():
            raise CommandError("no such enterprise or line")
        old = queries.figures(actor).filter(
            enterprise_id=options["enterprise"], hour__gte=start, hour__lt=end
        )
        versions = sorted(set(old.values_list("factor_version", flat=True)))
        results = [services.recompute(actor, line.pk, start, end) for line in lines]
        if not options["line"]:
            sites = plant_queries.sites(actor).filter(enterprise_id=options["enterprise"])
            results += [services.recompute_site(actor, s.pk, start, end) for s in sites]
        for r in results:
            self.stdout.write(
                f"{r.scope}: {r.hours} h, {r.figures} figures, {r.totals} totals, "
                f"factor library {r.factor_version}"
            )
        self.stdout.write(f"replaced figures computed with: {', '.join(versions) or 'none'}")
