"""Wiring and threads of a running terminal: acquisition in one thread, forwarding in another.

Two threads so that a slow or dead uplink (a 15 s HTTPS timeout, a broker reconnect) never
delays a scan, and a slow serial line never delays the backlog. Each thread has its own outbox
connection (SQLite WAL lets one write while the other reads). Stopping closes the open minute
and seals what is pending, so a clean shutdown loses nothing and a crash loses at most the
readings not yet sealed (under a minute plus ``batch_max_age_s``).

A running terminal asks for its configuration at every heartbeat, naming the version it runs
(``If-None-Match``; ADR 0227). A newer, correctly signed one is accepted through the same
checks as at start (signature, addressee, version above the persisted high-water mark) and
applied in place: unchanged instruments keep their drivers, the pending and open data stay.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path

from tanji.protocols.registers import RegisterPoint
from tanji.terminal.agent import Agent
from tanji.terminal.buffer import Outbox
from tanji.terminal.clock import ClockMonitor
from tanji.terminal.control import (
    ControlError,
    ControlStore,
    TerminalConfig,
    accept_command,
    accept_config,
)
from tanji.terminal.drivers import build_driver
from tanji.terminal.drivers.base import Driver, DriverError
from tanji.terminal.forwarder import Forwarder
from tanji.terminal.health import HEARTBEAT_PAYLOAD_TYPE, write_status
from tanji.terminal.processing import TagProfile
from tanji.terminal.signing import Sealer, TrustError
from tanji.terminal.uplink.base import Uplink, UplinkError
from tanji.trust import dsse
from tanji.trust.keys import PrivateKey, PublicKey

log = logging.getLogger(__name__)
#: The configuration source: given the running version, a newer signed envelope or ``b""``.
ConfigSource = Callable[[int], bytes]
#: Receipts are kept as local evidence this long (the platform's log keeps them for good).
RECEIPT_RETENTION_S = 90 * 86_400.0


def profiles_of(
    name: str, driver: Driver, settings: Mapping[str, object]
) -> dict[tuple[str, str], TagProfile]:
    """Pre-processing profiles of one instrument's tags."""
    if getattr(driver, "passthrough", False):
        return {}
    points = getattr(getattr(driver, "config", None), "points", None)
    if points:
        return {
            (name, p.tag): TagProfile(p.kind, p.scan_s, p.wrap)
            for p in points
            if isinstance(p, RegisterPoint)
        }
    scan = settings.get("scan_s", 60)
    scan_s = scan if isinstance(scan, int) else 60
    return {(name, tag): TagProfile(scan_s=scan_s) for tag in driver.tags()}


def build_agent(
    config: TerminalConfig,
    key: PrivateKey,
    outbox: Outbox,
    monitor: ClockMonitor,
    clock: Callable[[], float] = time.time,
) -> Agent:
    """An agent with the drivers of a platform configuration."""
    drivers: dict[str, Driver] = {}
    profiles: dict[tuple[str, str], TagProfile] = {}
    for instrument in config.instruments:
        driver = build_driver(instrument.driver, instrument.name, instrument.settings)
        drivers[instrument.name] = driver
        profiles.update(profiles_of(instrument.name, driver, instrument.settings))
    return Agent(
        Sealer(config.device, key),
        outbox,
        drivers,
        profiles,
        batch_max_readings=config.batch_max_readings,
        batch_max_age_s=config.batch_max_age_s,
        monitor=monitor,
        clock=clock,
    )


class Runtime:
    """A running terminal."""

    def __init__(
        self,
        config: TerminalConfig,
        key: PrivateKey,
        outbox_path: Path,
        uplink: Uplink,
        platform_keys: Mapping[str, PublicKey],
        *,
        status_path: Path | None = None,
        heartbeat_s: float = 60.0,
        max_bytes: int | None = None,
        store_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
        tick_s: float = 1.0,
        config_source: ConfigSource | None = None,
    ) -> None:
        self.config = config
        self.config_source = config_source
        self.key = key
        self.outbox_path = outbox_path
        self.uplink = uplink
        self.platform_keys = platform_keys
        self.status_path = status_path
        self.heartbeat_s = heartbeat_s
        self.max_bytes = max_bytes
        self.monitor = ClockMonitor()
        self.forwarder: Forwarder | None = None
        self.store = ControlStore(store_dir or outbox_path.parent)
        self.restart_requested = False
        self.clock = clock  # acquisition time (a FileClock in rehearsals, ADR 0162)
        self.tick_s = tick_s

    def _forward(self, stop: threading.Event) -> None:
        outbox = Outbox(self.outbox_path, max_bytes=self.max_bytes)
        self.forwarder = Forwarder(
            outbox,
            self.uplink,
            self.config.device,
            self.platform_keys,
            revoked=self.config.revoked_keys,
            monitor=self.monitor,
        )
        try:
            while not stop.is_set():
                if self.forwarder.step() == 0:
                    stop.wait(0.2)
        finally:
            outbox.close()

    def _commands(self, agent: Agent, stop: threading.Event) -> None:
        try:
            received = self.uplink.commands()
        except UplinkError as exc:
            log.info("commands not polled: %s", exc)
            return
        for data in received:
            try:
                command = accept_command(data, self.config.device, self.platform_keys, self.store)
            except (ControlError, TrustError) as exc:
                log.warning("command refused: %s", exc)
                continue
            log.info("command %s (seq %d) accepted", command.name, command.seq)
            if command.name == "send_status":
                self._heartbeat(agent)
            elif command.name == "rotate_receipts":
                days = command.args.get("older_than_days", 30)
                agent.outbox.prune_receipts(float(days) * 86_400)
            else:  # reload_config, restart: exit; the service manager restarts and refetches
                self.restart_requested = True
                stop.set()

    def _refresh_config(self, agent: Agent) -> None:
        """Fetch a changed configuration, verify it like at start, and apply it."""
        if self.config_source is None:
            return
        try:
            envelope = self.config_source(self.config.version)
        except UplinkError as exc:
            log.info("configuration not polled: %s", exc)
            return
        if not envelope:
            return
        try:
            config = accept_config(envelope, self.config.device, self.platform_keys, self.store)
        except (ControlError, TrustError) as exc:
            log.warning("configuration refused: %s", exc)
            return
        self.apply(agent, config)

    def apply(self, agent: Agent, config: TerminalConfig) -> None:
        """Run ``config`` from now on (already accepted), keeping unchanged drivers."""
        running = {i.name: i for i in self.config.instruments}
        drivers: dict[str, Driver] = {}
        profiles: dict[tuple[str, str], TagProfile] = {}
        for instrument in config.instruments:
            driver = agent.drivers.get(instrument.name)
            if driver is None or running.get(instrument.name) != instrument:
                try:
                    driver = build_driver(instrument.driver, instrument.name, instrument.settings)
                except DriverError as exc:
                    log.error("instrument %s not started: %s", instrument.name, exc)
                    continue
            drivers[instrument.name] = driver
            profiles.update(profiles_of(instrument.name, driver, instrument.settings))
        agent.reconfigure(
            drivers,
            profiles,
            batch_max_readings=config.batch_max_readings,
            batch_max_age_s=config.batch_max_age_s,
        )
        if self.forwarder is not None:
            self.forwarder.revoked = config.revoked_keys
        self.config = config
        log.info("configuration version %d applied (%d instruments)", config.version, len(drivers))

    def _heartbeat(self, agent: Agent) -> None:
        forwarder = self.forwarder
        stats = asdict(forwarder.stats) if forwarder else {}
        health = agent.health(stats, forwarder.inflight if forwarder else 0)
        if self.status_path is not None:
            write_status(self.status_path, health)
        signed = dsse.sign_envelope(HEARTBEAT_PAYLOAD_TYPE, health.to_json(), self.key.signer())
        try:
            self.uplink.heartbeat(dsse.encode_envelope(signed))
        except UplinkError as exc:
            log.info("heartbeat not sent: %s", exc)

    def run(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set; then seal what is pending and close."""
        outbox = Outbox(self.outbox_path, max_bytes=self.max_bytes)
        agent = build_agent(self.config, self.key, outbox, self.monitor, self.clock)
        sender = threading.Thread(target=self._forward, args=(stop,), name="forwarder")
        sender.start()
        next_beat = 0.0
        try:
            while not stop.is_set():
                agent.tick()
                if time.monotonic() >= next_beat:
                    self._refresh_config(agent)
                    self._commands(agent, stop)
                    self._heartbeat(agent)
                    next_beat = time.monotonic() + self.heartbeat_s
                    outbox.prune_receipts(RECEIPT_RETENTION_S)
                wait = agent.schedule.next_due() - self.clock()
                stop.wait(min(self.tick_s, max(0.005, wait)))
        finally:
            agent.drain(self.clock())
            agent.close()
            stop.set()
            sender.join(30)
            self._heartbeat(agent)
            outbox.close()
            self.uplink.close()
