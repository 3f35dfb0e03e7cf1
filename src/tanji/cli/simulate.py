"""``tanji simulate …``: back-fill or stream the simulated cement line (no Django needed).

* ``tanji simulate backfill`` writes a period's readings as CSV or JSON lines, optionally with
  the hourly ground truth and the lab results beside them;
* ``tanji simulate live`` streams readings to stdout on the wall clock, tick by tick;
* ``tanji simulate cems`` runs the simulated CEMS data logger against an HJ 212 gateway;
* ``tanji simulate tags`` prints the tag map.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from tanji.errors import CodedError
from tanji.protocols.hj212 import CHINA_STANDARD_TIME
from tanji.protocols.readings import format_time
from tanji.simulator import (
    TAG_MAP,
    TAGS,
    GroundTruth,
    Plant,
    Scenario,
    SimulatorError,
    load_scenario,
)
from tanji.simulator.cems_device import DEFAULT_MN, DEFAULT_PW, CemsDevice, DeviceConfig
from tanji.simulator.frame import reading_document
from tanji.simulator.scenarios import available, shifted
from tanji.simulator.stream import AsyncSystemClock, SystemClock, live


def register(subparsers: Any) -> None:
    """Add ``tanji simulate`` and its sub-commands."""
    parser = subparsers.add_parser("simulate", help="simulated 5000 t/d cement line")
    commands = parser.add_subparsers(dest="simulate_command", metavar="SUBCOMMAND", required=True)
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)
    backfill = commands.add_parser("backfill", help="write a period's readings (CSV or JSON lines)")
    _common(backfill)
    backfill.add_argument("--start", help="ISO time with offset (default: scenario start)")
    length = backfill.add_mutually_exclusive_group()
    length.add_argument("--end", help="ISO time with offset (default: scenario end)")
    length.add_argument("--hours", type=float, help="length of the period in hours")
    backfill.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    backfill.add_argument("--output", type=Path, help="file to write (default: stdout)")
    backfill.add_argument("--truth", type=Path, help="also write the hourly ground truth (CSV)")
    backfill.add_argument("--lab", type=Path, help="also write the lab results (JSON lines)")
    backfill.set_defaults(handler=run_backfill)
    stream = commands.add_parser("live", help="stream readings to stdout in real time")
    _common(stream)
    stream.add_argument("--tick", type=int, default=60, help="seconds between ticks")
    stream.add_argument("--count", type=int, help="stop after this many ticks")
    stream.set_defaults(handler=run_live)
    cems = commands.add_parser("cems", help="run the CEMS data logger against an HJ 212 gateway")
    _common(cems)
    cems.add_argument("--host", default="127.0.0.1", help="gateway host")
    cems.add_argument("--port", type=int, required=True, help="gateway TCP port")
    cems.add_argument("--mn", default=DEFAULT_MN, help="device MN (24 characters)")
    cems.add_argument("--password", default=DEFAULT_PW, help="HJ 212 PW")
    cems.add_argument("--count", type=int, help="stop after this many minutes")
    cems.set_defaults(handler=run_cems)
    tags = commands.add_parser("tags", help="print the tag map")
    tags.set_defaults(handler=run_tags)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", default="normal-month", help=f"one of {available()}")
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--tags", help="comma-separated tag codes (default: all)")


def _scenario(args: argparse.Namespace, live: bool = False) -> Scenario:
    scenario = load_scenario(args.scenario)
    if live:  # anchor at today's start (China Standard Time), where the data logger lives
        today = datetime.now(CHINA_STANDARD_TIME).replace(hour=0, minute=0, second=0, microsecond=0)
        scenario = shifted(scenario, today)
    return scenario if args.seed is None else replace(scenario, seed=args.seed)


def _time(text: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SimulatorError(
            "simulator.bad_time",
            "{option}: expected an ISO 8601 time with offset, got {value!r}",
            option=option,
            value=text,
        )
    return moment


def _tags(args: argparse.Namespace) -> list[str] | None:
    if not args.tags:
        return None
    chosen = [tag.strip() for tag in args.tags.split(",") if tag.strip()]
    unknown = [tag for tag in chosen if tag not in TAG_MAP]
    if unknown:
        raise SimulatorError("simulator.unknown_tag", "--tags: unknown tags {tags}", tags=unknown)
    return chosen


@contextmanager
def _open(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def _write_truth(out: TextIO, truth: GroundTruth) -> None:
    sources, quantities = list(truth.co2_t), list(truth.activity)
    out.write(",".join(["hour", *[f"{s}_co2_t" for s in sources], *quantities]) + "\n")
    for i in range(len(truth.hours)):
        cells = [format_time(truth.hour_start(i))]
        cells += [f"{truth.co2_t[s][i]:.6g}" for s in sources]
        cells += [f"{truth.activity[q][i]:.6g}" for q in quantities]
        out.write(",".join(cells) + "\n")


def _backfill(args: argparse.Namespace) -> int:
    scenario = _scenario(args)
    plant = Plant(scenario)
    start = _time(args.start, "--start") if args.start else scenario.start
    if args.hours is not None:
        end = start + timedelta(hours=args.hours)
    else:
        end = _time(args.end, "--end") if args.end else scenario.end
    frame = plant.simulate(start, end)
    tags = _tags(args)
    with _open(args.output) as out:
        write = frame.write_csv if args.format == "csv" else frame.write_jsonl
        count = write(out, tags)
    if args.truth:
        with _open(args.truth) as out:
            _write_truth(out, plant.ground_truth(start, end))
    if args.lab:
        with _open(args.lab) as out:
            for result in plant.lab_results(start, end):
                out.write(json.dumps(asdict(result), default=str, ensure_ascii=False) + "\n")
    print(f"{count} readings, {start.isoformat()} – {end.isoformat()}", file=sys.stderr)
    return 0


def _live(args: argparse.Namespace) -> int:
    plant = Plant(_scenario(args, live=True))
    for tick in live(plant, SystemClock(), args.tick, _tags(args), args.count):
        for reading in tick.readings:
            document = reading_document(reading)
            print(json.dumps(document, ensure_ascii=False, sort_keys=True), flush=True)
    return 0


def _guarded(action: Any, args: argparse.Namespace) -> int:
    try:
        status: int = action(args)
    except CodedError as error:
        print(f"error [{error.code}]: {error}", file=sys.stderr)
        return 2
    return status


def run_backfill(args: argparse.Namespace) -> int:
    """Back-fill a period."""
    return _guarded(_backfill, args)


def run_live(args: argparse.Namespace) -> int:
    """Stream live until interrupted or ``--count`` ticks."""
    try:
        return _guarded(_live, args)
    except KeyboardInterrupt:
        return 0


def _cems(args: argparse.Namespace) -> int:
    device = CemsDevice(
        Plant(_scenario(args, live=True)), DeviceConfig(mn=args.mn, pw=args.password)
    )
    try:
        asyncio.run(device.connect(args.host, args.port, AsyncSystemClock(), args.count))
    except OSError as error:
        raise SimulatorError(
            "simulator.connect_failed",
            "cannot reach the HJ 212 gateway at {host}:{port}: {error}",
            host=args.host,
            port=args.port,
            error=str(error),
        ) from None
    log = device.log
    print(
        f"{len(log.sent)} frames sent, {len(log.acknowledged)} acknowledged, "
        f"{len(log.pending)} pending",
        file=sys.stderr,
    )
    return 0


def run_cems(args: argparse.Namespace) -> int:
    """Upload minute and hour data to a gateway until interrupted or ``--count`` minutes."""
    try:
        return _guarded(_cems, args)
    except KeyboardInterrupt:
        return 0


def run_tags(args: argparse.Namespace) -> int:
    """Print the tag map, one tag per line (code, unit, kind, register, description)."""
    for tag in TAGS:
        register = f"{tag.register_max:.0f}" if tag.register_max else "-"
        print(f"{tag.code}\t{tag.unit}\t{tag.kind}\t{register}\t{tag.description}")
    return 0
