"""Dispatch of ``tanji <command>``.

Each command group lives in its own module exposing ``register(subparsers)``; that function adds
its sub-parser and sets ``handler`` (a callable taking the parsed namespace and returning the exit
status). Adding a command is adding a module and one line to :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from tanji import __version__

#: Modules that register a command group, in the order ``tanji --help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "tanji.cli.demo",
    "tanji.cli.calc",
    "tanji.cli.simulate",
    "tanji.cli.hj212",
    "tanji.cli.verify",
    "tanji.cli.manage",
    "tanji.cli.terminal",
    "tanji.cli.audit",
    "tanji.cli.gateway",
    "tanji.cli.recompute",
    "tanji.cli.keys",
    "tanji.cli.lab",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser with every registered command group."""
    parser = argparse.ArgumentParser(
        prog="tanji",
        description="tanji 碳计 — carbon metering platform for the cement industry",
    )
    parser.add_argument("--version", action="version", version=f"tanji {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except BrokenPipeError:  # output piped into `head`: not an error of ours
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
