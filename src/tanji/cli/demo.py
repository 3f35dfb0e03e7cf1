"""``tanji demo``: the platform on its embedded default, with a simulated province streaming live.

One command on a fresh checkout: SQLite in the data directory, migrations, the demo province
(four enterprises, five lines, users for every role), a year of simulated history, the web app
on http://127.0.0.1:8000 and a live feed — no external service. The accounting core on the
shipped example period stays available as ``tanji calc examples/activity-2025-03.yaml``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tanji.config import load_settings


def register(subparsers: Any) -> None:
    """Add ``tanji demo``."""
    parser = subparsers.add_parser(
        "demo", help="run the platform on a simulated province (SQLite, no external services)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port)")
    parser.add_argument(
        "--data-dir", type=Path, help="where the database and demo files live (default ./var)"
    )
    parser.add_argument("--reset", action="store_true", help="start over with a fresh database")
    parser.add_argument("--no-live", action="store_true", help="serve without the live feed")
    parser.add_argument(
        "--backfill-days", type=float, default=365.0, help="days of hourly history (default 365)"
    )
    parser.add_argument(
        "--minute-days",
        type=float,
        default=28.0,
        help="recent days at minute resolution (default 28)",
    )
    parser.add_argument(
        "--first-days",
        type=float,
        default=1.0,
        help="days of minutes written before the first page; the rest follows in the"
        " background (default 1)",
    )
    parser.add_argument(
        "--check", action="store_true", help="build, fetch the first page, print timings, exit"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo (see :mod:`tanji.livedemo.run`)."""
    from tanji.livedemo.run import Options, run as run_demo

    options = Options(
        data_dir=args.data_dir or load_settings().data_dir,
        host=args.host,
        port=args.port,
        reset=args.reset,
        live=not args.no_live,
        backfill_days=args.backfill_days,
        minute_days=min(args.minute_days, args.backfill_days),
        first_days=min(args.first_days, args.minute_days, args.backfill_days),
        check=args.check,
    )
    return run_demo(options, sys.stdout)
