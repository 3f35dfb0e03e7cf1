"""``tanji gateway``: the HJ 212 TCP server and the MQTT subscriber over the ingest pipeline.

Both entry points call the same pipeline (HJ 212 at trust level unsigned). The process prints
one ``listening`` line per entry point once it is ready, and stops on SIGINT/SIGTERM; a crash at
any moment loses nothing a device was told is stored (answers and receipts follow commits).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``tanji gateway``."""
    parser = subparsers.add_parser("gateway", help="run the HJ 212 and MQTT intake gateway")
    parser.add_argument("--hj212-host", default="0.0.0.0", help="HJ 212 listen address")
    parser.add_argument("--hj212-port", type=int, default=6000, help="HJ 212 port (0: any free)")
    parser.add_argument("--no-hj212", action="store_true", help="do not run the HJ 212 server")
    parser.add_argument("--mqtt", metavar="HOST:PORT", help="subscribe to this MQTT broker")
    parser.add_argument("--mqtt-username", default="", help="the platform's broker user name")
    parser.add_argument("--mqtt-password-file", default="", help="file holding its password")
    parser.add_argument("--mqtt-ca", default="", help="CA bundle: connect with TLS")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Set Django up, then serve until a signal arrives."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django

    django.setup()
    from tanji.runtime import run_service

    return run_service(_serve(args))


def _mqtt_settings(args: argparse.Namespace) -> Any:
    from pathlib import Path

    from tanji.gateways.mqtt import MqttSettings

    host, _, port = str(args.mqtt).rpartition(":")
    password = ""
    if args.mqtt_password_file:
        password = Path(args.mqtt_password_file).read_text(encoding="utf-8").strip()
    return MqttSettings(
        host=host or "127.0.0.1",
        port=int(port),
        username=args.mqtt_username,
        password=password,
        ca_file=args.mqtt_ca,
    )


async def _serve(args: argparse.Namespace) -> int:
    from tanji.gateways.hj212_tcp import Hj212Server
    from tanji.gateways.intake import PipelineIntake
    from tanji.gateways.mqtt import MqttIntake
    from tanji.ingest.dispatch import start_worker, stop_worker
    from tanji.runtime import settle_heap
    from tanji.timeseries.folder import start_folder, stop_folder

    start_folder()  # rollups folded off the acknowledgement path (ADR 0220)
    # live emission figures recompute off the acknowledgement path, and first what a stopped
    # process left undelivered (ADR 0235)
    start_worker(take_over=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    intake = PipelineIntake()
    server = Hj212Server(intake, intake)
    subscriber = MqttIntake(_mqtt_settings(args)) if args.mqtt else None
    settle_heap()  # start-up done: its objects leave the collector's walks (ADR 0252)
    try:
        if not args.no_hj212:
            host, port = await server.start(args.hj212_host, args.hj212_port)
            print(f"listening hj212 {host}:{port}", flush=True)
        if subscriber is not None:
            subscriber.start()
            print(f"listening mqtt {args.mqtt}", flush=True)
        await stop.wait()
    finally:
        if subscriber is not None:
            subscriber.stop()
        await server.close()
        intake.close()
        stop_worker()
        stop_folder()
    return 0
