"""``tanji manage openapi [PATH]``: write the API's OpenAPI document (committed, test-checked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tanji.web.api.schema import openapi_text

DEFAULT_PATH = Path("docs/reference/openapi.json")


class Command(BaseCommand):
    """Regenerate docs/reference/openapi.json."""

    help = "Write the OpenAPI document of /api/v1/."

    def add_arguments(self, parser: CommandParser) -> None:
        """The output path."""
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, *args: Any, **options: Any) -> None:
        """Write the document."""
        Path(options["path"]).write_text(openapi_text(), encoding="utf-8")
