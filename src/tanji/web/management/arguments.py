"""Arguments the evidence management commands share: an enterprise and a period of UTC days."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.core.management.base import CommandError, CommandParser


def utc_day(text: str) -> datetime:
    """Midnight UTC of ``YYYY-MM-DD``; a command error naming the text otherwise."""
    try:
        parsed = date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"expected a date YYYY-MM-DD, got {text!r}") from error
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)


def add_period_arguments(parser: CommandParser) -> None:
    """``--enterprise ID --from DATE --to DATE`` (UTC days, end exclusive)."""
    parser.add_argument("--enterprise", type=int, required=True, help="enterprise id")
    parser.add_argument("--from", dest="first", required=True, help="first date YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="end date (exclusive)")
