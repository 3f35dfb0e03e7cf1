"""The demo's live feed through signed intake: one enrolled field terminal per demo line.

Each demo line gets a terminal (``DEMO-<ENTERPRISE>-<LINE>``) whose key pair is created once in
the demo data directory (``terminals/<device>/terminal.key``, owner-only; never in the
repository) and enrolled with a one-time code over the demo's own HTTP API, exactly as
``tanji terminal enrol`` does. The line's process instruments are served by one in-process
Modbus TCP server (:class:`~tanji.simulator.field.modbus.InstrumentServer`, the line's DCS
gateway) whose registers hold the simulator's values in the demo tags' units; its CEMS values
come from a simulated CEMS data logger over HJ 212 to the terminal's listener
(:mod:`tanji.livedemo.cems`). The ledger instruments of the line are assigned to the terminal
(:func:`tanji.metrology.acquisition.assign_instrument`), the terminal fetches and verifies the
platform-signed configuration (and polls it while running), and a real
:class:`~tanji.terminal.runtime.Runtime` scans every minute, signs batches, keeps them in its
fsync'd outbox and sends them to the demo's web server, which answers with signed receipts.
The outbox stays in the data directory, so sequence numbers continue across restarts
(ADR 0163, superseding the direct store writes of ADR 0132).
"""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tanji.evidence.models import Device, TerminalKey
from tanji.evidence.services import issue_enrolment_code, register_device
from tanji.evidence.signing import platform_key
from tanji.livedemo import cems
from tanji.livedemo.backfill import LineFeed
from tanji.metrology.acquisition import assign_instrument
from tanji.metrology.models import Acquisition, Instrument
from tanji.plant.choices import AggregationChoices
from tanji.plant.models import Tag
from tanji.protocols.registers import DataType, RegisterPoint
from tanji.simulator.field.das import DataLogger
from tanji.simulator.field.modbus import InstrumentServer, free_port
from tanji.tenancy.actor import Actor
from tanji.terminal.control import (
    ControlError,
    ControlStore,
    TerminalConfig,
    accept_config,
    load_cached_config,
)
from tanji.terminal.runtime import Runtime
from tanji.terminal.uplink import HttpsConfig, HttpsUplink
from tanji.terminal.uplink.https import ENROL_PATH
from tanji.trust.keys import PrivateKey, PublicKey, generate_private_key, load_private_key

log = logging.getLogger(__name__)
TERMINALS_DIR = "terminals"
#: Every demo instrument is scanned once a minute (the platform stores minute values anyway).
SCAN_S = 60


def device_id(feed: LineFeed) -> str:
    """The demo terminal of a line, e.g. ``DEMO-CHUJIANG-L1``."""
    return f"DEMO-{feed.plant.enterprise.slug}-{feed.plant.line.code}".upper()


def terminal_key(directory: Path) -> PrivateKey:
    """The terminal's private key, created once (owner-only) like ``tanji terminal enrol``."""
    path = directory / "terminal.key"
    if path.exists():
        return load_private_key(path.read_bytes())
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = generate_private_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.to_pem())
    return key


@dataclass(frozen=True)
class LineField:
    """A line's simulated instruments: one register map over the line's demo tags."""

    points: tuple[RegisterPoint, ...]
    routes: dict[str, tuple[str, float]]  # demo tag code -> (simulator tag, factor)

    def values_at(self, feed: LineFeed) -> Callable[[datetime], dict[str, float]]:
        """The simulator's minute values in the demo tags' units (NaN where it has none)."""

        def values(moment: datetime) -> dict[str, float]:
            found = {r.tag: r.value for r in feed.plant.plant.readings_at(moment)}
            return {
                code: found.get(sim, math.nan) * factor
                for code, (sim, factor) in self.routes.items()
            }

        return values


def line_field(feed: LineFeed) -> LineField:
    """Register map of the line: 32-bit floats for rates, 64-bit floats for counter registers."""
    tags = {t.pk: t for t in Tag.objects.filter(pk__in=feed.tag_ids)}
    points, routes, address = [], {}, 0
    for sim_code, tag_id, factor in feed.routes:
        if sim_code in cems.FACTORS:  # the CEMS values travel over HJ 212
            continue
        tag = tags[tag_id]
        wide = tag.aggregation == AggregationChoices.TOTAL_INCREASING
        point = RegisterPoint(
            tag.code, address, tag.unit, data_type=DataType.FLOAT64 if wide else DataType.FLOAT32
        )
        points.append(point)
        routes[tag.code] = (sim_code, factor)
        address += point.count
    return LineField(tuple(points), routes)


def _enrol(feed: LineFeed, device: str, key: PrivateKey, base_url: str) -> None:
    actor = Actor.system()
    row = Device.objects.filter(device_id=device).first()
    if row is None:
        since = datetime.now(UTC) - timedelta(hours=1)
        row = register_device(
            actor, enterprise_id=feed.enterprise_id, device_id=device, enrolled_at=since
        )
    public = key.public_key()
    if TerminalKey.objects.filter(key_id=public.key_id, revoked_at__isnull=True).exists():
        return
    body = {
        "code": issue_enrolment_code(actor, row),
        "device": device,
        "enterprise": str(feed.enterprise_id),
        "key_id": public.key_id,
        "public_key": public.to_pem().decode("ascii"),
        "suite": public.suite,
    }
    uplink = HttpsUplink(HttpsConfig(base_url, device))
    uplink.request("POST", ENROL_PATH, json.dumps(body).encode(), "application/json")


def _assign(
    feed: LineFeed,
    device: str,
    driver: str,
    connection: dict[str, Any],
    where: dict[str, dict[str, Any]],
) -> None:
    """Assign the line's ledger instruments producing ``where``'s tags (only what changed)."""
    actor = Actor.system()
    instruments = Instrument.objects.filter(
        enterprise_id=feed.enterprise_id, tags__code__in=list(where)
    ).distinct()
    taken: set[str] = set()
    for instrument in instruments.order_by("code"):
        codes = sorted(set(instrument.tags.values_list("code", flat=True)) & set(where) - taken)
        if not codes:
            continue
        taken |= set(codes)
        points = {code: where[code] for code in codes}
        current = Acquisition.objects.filter(instrument=instrument).first()
        wanted = (device, driver, connection, points)
        if current is not None and wanted == (
            current.device.device_id,
            current.driver,
            current.connection,
            current.points,
        ):
            continue
        assign_instrument(
            actor,
            device_id=device,
            instrument_id=instrument.pk,
            driver=driver,
            connection=connection,
            points=points,
            scan_s=SCAN_S,
        )
    if set(where) - taken:
        log.warning("%s: no ledger instrument for %s", device, sorted(set(where) - taken))


def _modbus(lines: LineField, port: int) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Connection and points of the line's Modbus gateway."""
    where = {p.tag: {"address": p.address, "data_type": str(p.data_type)} for p in lines.points}
    return {"host": "127.0.0.1", "port": port, "unit_id": 1}, where


def _das_port(device: str) -> int:
    """The listener port the line had (if still free), so a restart keeps the configuration."""
    current = Acquisition.objects.filter(device__device_id=device, driver="hj212_das").first()
    port = current.connection.get("port") if current is not None else None
    if isinstance(port, int) and port > 0:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return free_port()
            return port
    return free_port()


def _configuration(
    uplink: HttpsUplink, device: str, keys: dict[str, PublicKey], store: ControlStore
) -> TerminalConfig:
    """The fetched configuration, or the cached one when nothing changed since the last run."""
    try:
        return accept_config(uplink.fetch_config(), device, keys, store)
    except ControlError as error:
        if error.code != "control.replayed_config":
            raise
    cached = load_cached_config(device, keys, store)
    assert cached is not None  # a replay means a configuration was accepted before
    return cached


@dataclass
class LineTerminal:
    """One line's instruments server and terminal runtime."""

    feed: LineFeed
    directory: Path
    base_url: str
    clock: Callable[[], float] = time.time
    tick_s: float = 1.0
    server: InstrumentServer | None = None
    logger: DataLogger | None = None
    runtime: Runtime | None = None
    stop_event: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def device(self) -> str:
        """The terminal's device id."""
        return device_id(self.feed)

    def prepare(self) -> None:
        """Enrol, start the instruments, assign them, fetch and verify the configuration."""
        key = terminal_key(self.directory)
        _enrol(self.feed, self.device, key, self.base_url)
        lines = line_field(self.feed)
        self.server = InstrumentServer(
            lines.points,
            lines.values_at(self.feed),
            clock=lambda: datetime.fromtimestamp(self.clock(), UTC),
        ).start()
        _assign(self.feed, self.device, "modbus_tcp", *_modbus(lines, self.server.port))
        points = cems.cems_points(self.feed)
        if points:
            port = _das_port(self.device)
            where = cems.connection(self.device, port)
            _assign(self.feed, self.device, "hj212_das", where, points)
            self.logger = cems.data_logger(self.feed, self.device, port, self.clock, self.tick_s)
        public = platform_key().public_key()
        keys = {public.key_id: public}
        uplink = HttpsUplink(HttpsConfig(self.base_url, self.device))
        config = _configuration(uplink, self.device, keys, ControlStore(self.directory))
        self.runtime = Runtime(
            config,
            key,
            self.directory / "outbox.sqlite3",
            uplink,
            keys,
            status_path=self.directory / "status.json",
            store_dir=self.directory,
            clock=self.clock,
            tick_s=self.tick_s,
            config_source=uplink.fetch_config,
        )

    def start(self) -> None:
        """Run the terminal in its own thread (acquisition; it starts its forwarder)."""
        runtime = self.runtime
        assert runtime is not None, "prepare() first"
        self.thread = threading.Thread(
            target=runtime.run, args=(self.stop_event,), name=f"terminal:{self.device}"
        )
        self.thread.start()
        if self.logger is not None:  # it connects once the terminal listens
            self.logger.start()

    def stop(self) -> None:
        """Stop the data logger, the terminal (it seals what is pending), the instruments."""
        if self.logger is not None:
            self.logger.stop()
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(60)
        if self.server is not None:
            self.server.stop()


class DemoTerminals:
    """Every demo line's terminal, enrolled and configured by the demo platform itself."""

    def __init__(
        self,
        feeds: list[LineFeed],
        data_dir: Path,
        base_url: str,
        *,
        clock: Callable[[], float] = time.time,
        tick_s: float = 1.0,
    ) -> None:
        self.lines = [
            LineTerminal(feed, data_dir / TERMINALS_DIR / device_id(feed), base_url, clock, tick_s)
            for feed in feeds
        ]

    def start(self) -> None:
        """Prepare every line (database work, in this thread), then start the terminals."""
        for line in self.lines:
            line.prepare()
        for line in self.lines:
            line.start()

    def stop(self) -> None:
        """Stop every terminal and instrument server."""
        for line in self.lines:
            line.stop()
