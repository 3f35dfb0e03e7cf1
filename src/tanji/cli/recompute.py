"""``tanji recompute``: recompute emission figures explicitly (see the management command)."""

from __future__ import annotations

import argparse
import os
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``tanji recompute``."""
    parser = subparsers.add_parser(
        "recompute", help="recompute emission figures of a line or enterprise", add_help=False
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Hand the arguments to ``manage recompute``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tanji recompute", "recompute", *args.arguments])
    return 0
