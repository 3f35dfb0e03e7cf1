"""HJ 212 listener for the plant's CEMS data-acquisition system (DAS).

The terminal plays the upper computer (上位机) of HJ 212-2017 §6: the DAS connects and uploads
real-time (2011), minute (2051) or hourly (2061) data. Each completed frame is decoded with
:mod:`tanji.protocols.hj212`; mapped factors (``<code>-<suffix>``, e.g. ``a21026-Avg``) become
readings at the record's ``DataTime``, with the frame's data flag as quality flag (the letters
are the same). Malformed frames and wrong passwords are logged and dropped, never fatal
(reliability.md §0.4: real traffic is dirty). When the DAS asks (Flag A=1), the listener
answers ``9014`` once the readings are queued in the terminal; HJ 212 acknowledges one hop only,
so the terminal's own outbox and the platform receipt carry durability from there.

One DAS uploads the factors of several ledger instruments (gas analyser, flow meter, pressure
and temperature transmitters) over one connection, and one terminal may serve the DAS of two
lines that use the same factor codes. So the TCP listener is shared per ``(host, port)``: every
instrument assigned to that port subscribes its own factor map, and an upload reaches the
instruments whose ``mn`` admits it (ADR 0226). Only the data commands an instrument names are
taken (``data_commands``: minute 2051 and hour 2061 records carry the same factor codes at the
same ``DataTime`` on the hour, so one tag must not be fed by both).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tanji.protocols.hj212 import (
    DataRecord,
    FrameScanner,
    Hj212Error,
    Message,
    build_frame,
    data_answer,
    decode_record,
)
from tanji.protocols.hj212.listener import LISTENER_HOST, LISTENER_PORT, UPLOAD_COMMANDS
from tanji.protocols.readings import DEVICE_FLAGS, QualityFlag, Reading
from tanji.terminal.drivers.base import DriverError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FactorMap:
    """One HJ 212 value (``code-suffix``) and the tag it feeds.

    ``scale`` converts the DAS's number where the tag keeps another unit that the platform
    cannot convert by dimension (e.g. CO2 mg/m³ → %vol at standard state); 1 keeps the value
    exactly as received.
    """

    tag: str
    unit: str
    scale: float = 1.0


@dataclass(frozen=True)
class DasConfig:
    """The listener.

    Attributes:
        name: instrument name.
        factors: ``"a21026-Avg"`` → tag and unit.
        host: interface to listen on (the plant LAN side).
        port: TCP port (0 picks a free one, for tests).
        mn: accepted device identifiers (empty: any).
        password: expected ``PW`` (empty: not checked).
        max_buffered: readings held between polls before the oldest are dropped.
        data_commands: the upload commands taken (2011 real-time, 2051 minute, 2061 hour).
    """

    name: str
    factors: Mapping[str, FactorMap]
    host: str = LISTENER_HOST  # a listener for the plant LAN side
    port: int = LISTENER_PORT
    mn: tuple[str, ...] = ()
    password: str = field(default="", repr=False)
    max_buffered: int = 100_000
    data_commands: tuple[int, ...] = tuple(sorted(UPLOAD_COMMANDS))


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        scanner = FrameScanner()
        self.request.settimeout(300)
        self.server.listener.connections.add(self.request)
        try:
            self._serve(scanner)
        finally:
            self.server.listener.connections.discard(self.request)

    def _serve(self, scanner: FrameScanner) -> None:
        while True:
            try:
                data = self.request.recv(4096)
            except OSError:
                return
            if not data:
                return
            for frame in scanner.feed(data):
                if frame.message is None:
                    log.warning("HJ 212 frame rejected: %s", frame.error)
                    continue
                answer = self.server.listener.accept(frame.message)
                if answer is not None:
                    self.request.sendall(answer)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    listener: _Listener


class _Listener:
    """One TCP listener and the instruments subscribed to it."""

    def __init__(self, host: str, port: int) -> None:
        self.drivers: list[DasDriver] = []
        self.connections: set[socket.socket] = set()
        self._server = _Server((host, port), _Handler)
        self._server.listener = self
        self.key = (host, self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, name=f"hj212:{self.key[1]}"
        )
        self._thread.start()

    def accept(self, message: Message) -> bytes | None:
        """Hand an upload to every subscribed instrument that admits its MN and password."""
        with _LISTENERS_LOCK:
            drivers = [d for d in self.drivers if d.admits(message)]
        if not drivers:
            for driver in self.drivers:
                driver.rejected += 1
            log.warning("HJ 212 upload from MN=%s refused (unknown device or password)", message.mn)
            return None
        if message.cn not in UPLOAD_COMMANDS:
            return None
        try:
            record = decode_record(message, vendor_codes=True)
        except Hj212Error as exc:
            for driver in drivers:
                driver.rejected += 1
            log.warning("HJ 212 record from MN=%s rejected: %s", message.mn, exc)
            return None
        for driver in drivers:
            if message.cn in driver.config.data_commands:
                driver.take(record)
        return build_frame(data_answer(message)) if message.flags.ack else None

    def close(self) -> None:
        """Stop listening and drop the open connections, so each DAS reconnects elsewhere."""
        self._server.shutdown()
        self._server.server_close()
        for connection in list(self.connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


_LISTENERS: dict[tuple[str, int], _Listener] = {}
_LISTENERS_LOCK = threading.Lock()


def _subscribe(driver: DasDriver) -> _Listener:
    """The listener of the driver's address, opened by its first instrument."""
    cfg = driver.config
    with _LISTENERS_LOCK:
        listener = _LISTENERS.get((cfg.host, cfg.port)) if cfg.port else None
        if listener is None:
            listener = _Listener(cfg.host, cfg.port)
            _LISTENERS[listener.key] = listener
        listener.drivers.append(driver)
        return listener


def _unsubscribe(driver: DasDriver, listener: _Listener) -> None:
    """Leave the listener; the last instrument to leave closes it."""
    with _LISTENERS_LOCK:
        if driver in listener.drivers:
            listener.drivers.remove(driver)
        if listener.drivers or _LISTENERS.get(listener.key) is not listener:
            return
        del _LISTENERS[listener.key]
    listener.close()


class DasDriver:
    """One instrument's factors from a (shared) listener; :meth:`poll` hands over what arrived."""

    passthrough = True  # DAS values are already the DAS's own averages

    def __init__(self, config: DasConfig) -> None:
        self.config = config
        self._buffer: deque[Reading] = deque(maxlen=config.max_buffered)
        self._lock = threading.Lock()
        self.rejected = 0
        self._listener: _Listener | None = _subscribe(self)
        self.port: int = self._listener.key[1]

    @property
    def name(self) -> str:
        """Instrument name."""
        return self.config.name

    def tags(self) -> Sequence[str]:
        """Tags of the factor map."""
        return tuple(f.tag for f in self.config.factors.values())

    def admits(self, message: Message) -> bool:
        """Whether the upload comes from this instrument's DAS (MN and password)."""
        cfg = self.config
        return not (cfg.mn and message.mn not in cfg.mn) and not (
            cfg.password and message.pw != cfg.password
        )

    def accept(self, message: Message) -> bytes | None:
        """Turn one upload into readings; returns the 9014 answer frame when one is due."""
        assert self._listener is not None, "closed"
        return self._listener.accept(message)

    def take(self, record: DataRecord) -> None:
        """Queue the mapped values of a decoded record."""
        readings = []
        for factor in record.factors:
            flag = _flag(factor.flag)
            for suffix, value in factor.values.items():
                target = self.config.factors.get(f"{factor.code}-{suffix}")
                if target is not None:
                    number = float(value) if target.scale == 1.0 else float(value) * target.scale
                    readings.append(
                        Reading(target.tag, record.data_time, number, target.unit, flag)
                    )
        with self._lock:
            self._buffer.extend(readings)

    def poll(self, now: datetime, tags: Sequence[str] | None = None) -> list[Reading]:
        """Everything received since the last poll."""
        with self._lock:
            out = list(self._buffer)
            self._buffer.clear()
        return out

    def close(self) -> None:
        """Stop taking uploads (the listener closes with its last instrument)."""
        if self._listener is not None:
            _unsubscribe(self, self._listener)
            self._listener = None


def _flag(letter: str | None) -> QualityFlag:
    """The reading's flag: the codec admits only N F M S D C T B, which map one to one."""
    flag = QualityFlag(letter or "N")
    return flag if flag in DEVICE_FLAGS else QualityFlag.FAULT


def from_settings(name: str, settings: Mapping[str, Any]) -> DasDriver:
    """Factory for ``driver = "hj212_das"``."""
    try:
        factors = {key: FactorMap(**value) for key, value in settings["factors"].items()}
        fields = {k: v for k, v in settings.items() if k != "factors"}
        for listed in ("mn", "data_commands"):
            if listed in fields:
                fields[listed] = tuple(fields[listed])
        return DasDriver(DasConfig(name=name, factors=factors, **fields))
    except (KeyError, TypeError, AttributeError) as exc:
        raise DriverError(
            "driver.hj212.settings",
            "{name}: settings need factors {{'code-suffix': {{tag, unit}}}}: {error}",
            name=name,
            error=str(exc),
        ) from None
    except OSError as exc:
        raise DriverError(
            "driver.hj212.listen", "{name}: cannot listen: {error}", name=name, error=str(exc)
        ) from None
