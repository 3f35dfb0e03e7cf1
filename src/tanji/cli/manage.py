"""``tanji manage …``: Django management commands (migrate, createsuperuser, shell …)."""

from __future__ import annotations

import argparse
import os
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``tanji manage``."""
    parser = subparsers.add_parser("manage", help="run a Django management command", add_help=False)
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Hand the remaining arguments to Django."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tanji manage", *args.arguments])
    return 0
