"""``tanji terminal run | enrol | status``: the field agent, without Django settings.

``enrol`` creates the terminal's key pair on the box (the private key never leaves it) and
submits the public key with the one-time enrolment code the operator issued. ``run`` starts
acquisition and forwarding under the platform-signed configuration (fetched, or the verified
cache when the platform is unreachable). ``status`` prints the last heartbeat and the queue.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import threading
from pathlib import Path
from typing import Any

from tanji.errors import CodedError
from tanji.terminal.buffer import Outbox
from tanji.terminal.clock import FileClock
from tanji.terminal.control import (
    ControlError,
    ControlStore,
    TerminalConfig,
    accept_config,
    load_cached_config,
)
from tanji.terminal.health import read_status
from tanji.terminal.runtime import Runtime
from tanji.terminal.station import DEFAULT_STATION, Station, load_station
from tanji.terminal.uplink import HttpsConfig, HttpsUplink, MqttConfig, MqttUplink, Uplink
from tanji.terminal.uplink.base import UplinkError
from tanji.terminal.uplink.https import ENROL_PATH
from tanji.trust.keys import PrivateKey, generate_private_key, load_private_key

log = logging.getLogger("tanji.terminal")
#: Exit status asking the service manager for a restart (EX_TEMPFAIL): a signed ``restart`` or
#: ``reload_config`` command; the unit's ``Restart=always`` starts the terminal again.
EXIT_RESTART = 75
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def register(subparsers: Any) -> None:
    """Add ``tanji terminal``."""
    parser = subparsers.add_parser("terminal", help="run or manage the field terminal agent")
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)
    commands = parser.add_subparsers(dest="terminal_command", metavar="ACTION")
    for name, handler, text in (
        ("run", run, "acquire, sign, buffer and forward until stopped"),
        ("enrol", enrol, "create the terminal key pair and enrol it with a one-time code"),
        ("status", status, "show the last heartbeat and the queue depth"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument(
            "--station",
            type=Path,
            default=DEFAULT_STATION,
            help="station file (default: %(default)s)",
        )
        sub.set_defaults(handler=_guarded(handler))
        if name == "enrol":
            sub.add_argument("--code", required=True, help="one-time enrolment code")
        if name == "status":
            sub.add_argument("--json", action="store_true", help="machine-readable output")


def _guarded(handler: Any) -> Any:
    def call(args: argparse.Namespace) -> int:
        try:
            result: int = handler(args)
        except CodedError as exc:
            print(f"error [{exc.code}]: {exc}")
            return 1
        return result

    return call


def _https(station: Station) -> HttpsUplink:
    return HttpsUplink(HttpsConfig(station.platform_url, station.device, station.ca_file))


def _uplink(station: Station) -> Uplink:
    if station.uplink == "mqtt":
        return MqttUplink(
            MqttConfig(
                station.mqtt_host,
                station.enterprise,
                station.device,
                station.mqtt_port,
                station.ca_file,
            )
        )
    return _https(station)


def _config(station: Station, store: ControlStore) -> TerminalConfig | None:
    keys = station.trusted_keys()
    try:
        return accept_config(_https(station).fetch_config(), station.device, keys, store)
    except UplinkError as exc:
        log.warning("configuration not fetched (%s); using the verified cache", exc)
    except ControlError as exc:
        if exc.code != "control.replayed_config":
            raise
    return load_cached_config(station.device, keys, store)


def run(args: argparse.Namespace) -> int:
    """Run the terminal until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    station = load_station(args.station)
    key = load_private_key(station.key_path.read_bytes())
    store = ControlStore(station.data_dir)
    config = _config(station, store)
    if config is None:
        print("error: no configuration yet (platform unreachable and nothing cached)")
        return 3
    https = _https(station)  # the configuration is fetched over HTTPS on either uplink
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
    runtime = Runtime(
        config,
        key,
        station.outbox_path,
        _uplink(station),
        station.trusted_keys(),
        status_path=station.status_path,
        heartbeat_s=station.heartbeat_s,
        max_bytes=station.buffer_max_bytes,
        store_dir=station.data_dir,
        config_source=https.fetch_config,
        **_rehearsal(station),
    )
    try:
        runtime.run(stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return EXIT_RESTART if runtime.restart_requested else 0


def _rehearsal(station: Station) -> dict[str, Any]:
    """A stepped acquisition clock when the station names a clock file (never in production)."""
    if station.clock_file is None:
        return {}
    log.warning("rehearsal: acquisition time is read from %s", station.clock_file)
    return {"clock": FileClock(station.clock_file), "tick_s": 0.01}


def _write_private_key(path: Path, key: PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.to_pem())
        handle.flush()
        os.fsync(handle.fileno())


def enrol(args: argparse.Namespace) -> int:
    """Create (once) the key pair and submit the public key with the enrolment code."""
    station = load_station(args.station)
    if station.key_path.exists():
        key = load_private_key(station.key_path.read_bytes())
    else:
        key = generate_private_key()
        _write_private_key(station.key_path, key)
    public = key.public_key()
    print(f"device {station.device}: key id {public.key_id} ({public.suite})")
    body = json.dumps(
        {
            "code": args.code,
            "device": station.device,
            "enterprise": station.enterprise,
            "key_id": public.key_id,
            "public_key": public.to_pem().decode("ascii"),
            "suite": public.suite,
        }
    ).encode()
    try:
        _https(station).request("POST", ENROL_PATH, body, "application/json")
    except UplinkError as exc:
        print(f"enrolment not submitted: {exc}\npublic key to enrol by hand:")
        print(public.to_pem().decode("ascii"))
        return 1
    print("enrolment submitted; the operator confirms it on the platform")
    return 0


def status(args: argparse.Namespace) -> int:
    """Print the last heartbeat and the live queue depth."""
    station = load_station(args.station)
    document: dict[str, Any] = read_status(station.status_path) or {}
    if station.outbox_path.exists():
        outbox = Outbox(station.outbox_path)
        document["queue_batches"], document["queue_readings"] = outbox.depth()
        document["next_seq"] = outbox.next_seq()
        outbox.close()
    if args.json:
        print(json.dumps(document, sort_keys=True, indent=2))
        return 0
    for key in sorted(document):
        if key != "instruments":
            print(f"{key:>18}: {document[key]}")
    for name, state in sorted(document.get("instruments", {}).items()):
        print(f"{'instrument':>18}: {name} last={state['last_reading']} errors={state['errors']}")
    return 0
