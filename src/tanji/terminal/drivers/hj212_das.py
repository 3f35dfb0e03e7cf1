"""HJ 212 listener for the plant's CEMS data-acquisition system (DAS).

The terminal plays the upper computer (上位机) of HJ 212-2017 §6: the DAS connects and uploads
real-time (2011), minute (2051) or hourly (2061) data. Each completed frame is decoded with
:mod:`tanji.protocols.hj212`; mapped factors (``<code>-<suffix>``, e.g. ``a21026-Avg``) become
readings at the record's ``DataTime``, with the frame's data flag as quality flag (the letters
are the same). Malformed frames and wrong passwords are logged and dropped, never fatal
(reliability.md §0.4: real traffic is dirty). When the DAS asks (Flag A=1), the listener
answers ``9014`` once the readings are queued in the terminal; HJ 212 acknowledges one hop only,
so the terminal's own outbox and the platform receipt carry durability from there.
"""

from __future__ import annotations

import logging
import socketserver
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tanji.protocols.hj212 import (
    FrameScanner,
    Hj212Error,
    Message,
    build_frame,
    data_answer,
    decode_record,
)
from tanji.protocols.readings import DEVICE_FLAGS, QualityFlag, Reading
from tanji.terminal.drivers.base import DriverError

log = logging.getLogger(__name__)
DATA_COMMANDS = frozenset({2011, 2051, 2061})


@dataclass(frozen=True)
class FactorMap:
    """One HJ 212 value (``code-suffix``) and the tag it feeds."""

    tag: str
    unit: str


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
    """

    name: str
    factors: Mapping[str, FactorMap]
    host: str = "0.0.0.0"  # a listener for the plant LAN side
    port: int = 9212
    mn: tuple[str, ...] = ()
    password: str = field(default="", repr=False)
    max_buffered: int = 100_000


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        scanner = FrameScanner()
        self.request.settimeout(300)
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
                answer = self.server.driver.accept(frame.message)
                if answer is not None:
                    self.request.sendall(answer)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    driver: DasDriver


class DasDriver:
    """Listens in the background; :meth:`poll` hands over what arrived."""

    passthrough = True  # DAS values are already the DAS's own averages

    def __init__(self, config: DasConfig) -> None:
        self.config = config
        self._buffer: deque[Reading] = deque(maxlen=config.max_buffered)
        self._lock = threading.Lock()
        self.rejected = 0
        self._server = _Server((config.host, config.port), _Handler)
        self._server.driver = self
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, name=f"hj212:{self.port}"
        )
        self._thread.start()

    @property
    def name(self) -> str:
        """Instrument name."""
        return self.config.name

    def tags(self) -> Sequence[str]:
        """Tags of the factor map."""
        return tuple(f.tag for f in self.config.factors.values())

    def accept(self, message: Message) -> bytes | None:
        """Turn one upload into readings; returns the 9014 answer frame when one is due."""
        cfg = self.config
        if (cfg.mn and message.mn not in cfg.mn) or (cfg.password and message.pw != cfg.password):
            self.rejected += 1
            log.warning(
                "%s: HJ 212 upload from MN=%s refused (unknown device or password)",
                self.name,
                message.mn,
            )
            return None
        if message.cn not in DATA_COMMANDS:
            return None
        try:
            record = decode_record(message, vendor_codes=True)
        except Hj212Error as exc:
            self.rejected += 1
            log.warning("%s: HJ 212 record rejected: %s", self.name, exc)
            return None
        readings = []
        for factor in record.factors:
            flag = _flag(factor.flag)
            for suffix, value in factor.values.items():
                target = cfg.factors.get(f"{factor.code}-{suffix}")
                if target is not None:
                    readings.append(
                        Reading(target.tag, record.data_time, float(value), target.unit, flag)
                    )
        with self._lock:
            self._buffer.extend(readings)
        return build_frame(data_answer(message)) if message.flags.ack else None

    def poll(self, now: datetime, tags: Sequence[str] | None = None) -> list[Reading]:
        """Everything received since the last poll."""
        with self._lock:
            out = list(self._buffer)
            self._buffer.clear()
        return out

    def close(self) -> None:
        """Stop listening."""
        self._server.shutdown()
        self._server.server_close()


def _flag(letter: str | None) -> QualityFlag:
    """The reading's flag: the codec admits only N F M S D C T B, which map one to one."""
    flag = QualityFlag(letter or "N")
    return flag if flag in DEVICE_FLAGS else QualityFlag.FAULT


def from_settings(name: str, settings: Mapping[str, Any]) -> DasDriver:
    """Factory for ``driver = "hj212_das"``."""
    try:
        factors = {key: FactorMap(**value) for key, value in settings["factors"].items()}
        fields = {k: v for k, v in settings.items() if k != "factors"}
        if "mn" in fields:
            fields["mn"] = tuple(fields["mn"])
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
