"""``tanji demo``: for now, the accounting core on the shipped example period.

The web platform is not built yet; until it is, the demo evaluates the shipped example period
``examples/activity-2025-03.yaml`` with ``tanji calc`` and says so.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tanji.cli import calc

#: The example period shipped in the repository (examples/ beside src/).
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "activity-2025-03.yaml"


def register(subparsers: Any) -> None:
    """Add ``tanji demo``."""
    parser = subparsers.add_parser("demo", help="run the demonstration")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Evaluate the example period and point out what is not built yet."""
    print("tanji demo: the web platform is not built yet; showing the accounting core instead.")
    if not EXAMPLE.is_file():
        print(
            f"tanji demo: the example period is not installed ({EXAMPLE.name}); run it from a"
            " source checkout"
        )
        return 2
    print(f"tanji calc {EXAMPLE.name}\n")
    namespace = argparse.Namespace(
        file=EXAMPLE, cases=None, check=False, json=args.json, recompute=False, library=None
    )
    return calc.run(namespace)
