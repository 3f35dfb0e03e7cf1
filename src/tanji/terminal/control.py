"""Platform-signed configuration and commands, with replay protection and a local cache.

Who may change what the terminal reads and where it sends it is a security question (R9.4:
secure command exchange). A configuration or command is accepted only as a DSSE envelope
signed by a trusted, non-revoked platform key, addressed to this device, and *newer* than the
last one accepted: configuration by ``version``, commands by ``seq``. The high-water marks are
persisted (written atomically and fsynced) before the document takes effect, so a replay of an
older envelope is refused even after a restart. The accepted configuration envelope is cached
as received and re-verified at start, so the terminal runs through a platform outage.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tanji.errors import CodedError
from tanji.terminal.signing import open_signed
from tanji.trust.keys import PublicKey

CONFIG_PAYLOAD_TYPE = "application/vnd.tanji.terminal-config.v1+json"
COMMAND_PAYLOAD_TYPE = "application/vnd.tanji.terminal-command.v1+json"
COMMANDS = frozenset({"reload_config", "send_status", "rotate_receipts", "restart"})


class ControlError(CodedError):
    """A configuration or command was refused."""


@dataclass(frozen=True)
class InstrumentConfig:
    """One instrument: its driver and the driver's settings."""

    name: str
    driver: str
    settings: Mapping[str, Any]


@dataclass(frozen=True)
class TerminalConfig:
    """What the platform tells a terminal to read and how to batch it."""

    device: str
    version: int
    instruments: tuple[InstrumentConfig, ...]
    batch_max_readings: int = 1000
    batch_max_age_s: float = 60.0
    revoked_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Command:
    """A remote command."""

    device: str
    seq: int
    name: str
    args: Mapping[str, Any]


def _document(payload: bytes) -> dict[str, Any]:
    try:
        document = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ControlError(
            "control.not_json", "payload is not JSON: {error}", error=str(exc)
        ) from None
    if not isinstance(document, dict):
        raise ControlError("control.bad_shape", "payload must be a JSON object")
    return document


def _field(document: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = document.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ControlError(
            "control.bad_field",
            "{where}: field {key!r} must be {kind}, got {value!r}",
            where=where,
            key=key,
            kind=kind.__name__,
            value=value,
        )
    return value


def parse_config(payload: bytes) -> TerminalConfig:
    """Decode a configuration payload (signature already checked)."""
    document = _document(payload)
    instruments = []
    for i, entry in enumerate(_field(document, "instruments", list, "config")):
        where = f"config.instruments[{i}]"
        if not isinstance(entry, dict):
            raise ControlError("control.bad_field", "{where}: expected an object", where=where)
        instruments.append(
            InstrumentConfig(
                name=_field(entry, "name", str, where),
                driver=_field(entry, "driver", str, where),
                settings=_field(entry, "settings", dict, where),
            )
        )
    batch = document.get("batch", {})
    return TerminalConfig(
        device=_field(document, "device", str, "config"),
        version=_field(document, "version", int, "config"),
        instruments=tuple(instruments),
        batch_max_readings=int(batch.get("max_readings", 1000)),
        batch_max_age_s=float(batch.get("max_age_s", 60.0)),
        revoked_keys=tuple(str(k) for k in document.get("revoked_keys", [])),
    )


class ControlStore:
    """High-water marks, revocations and the cached configuration, under one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._state_path = directory / "control.json"
        self._cache_path = directory / "config.dsse.json"
        self.state: dict[str, Any] = {"config_version": 0, "command_seq": 0, "revoked": []}
        if self._state_path.exists():
            self.state.update(json.loads(self._state_path.read_text(encoding="utf-8")))

    @property
    def revoked(self) -> tuple[str, ...]:
        """Platform key ids revoked by an accepted configuration."""
        return tuple(self.state["revoked"])

    def save(self, cached_config: bytes | None = None) -> None:
        """Persist atomically: write, fsync, rename, fsync the directory."""
        if cached_config is not None:
            _atomic_write(self._cache_path, cached_config)
        _atomic_write(self._state_path, json.dumps(self.state, sort_keys=True).encode())

    def cached(self) -> bytes | None:
        """The cached configuration envelope, if any."""
        return self._cache_path.read_bytes() if self._cache_path.exists() else None


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def accept_config(
    envelope: bytes, device: str, keys: Mapping[str, PublicKey], store: ControlStore
) -> TerminalConfig:
    """Verify, check freshness, persist and return a configuration from the platform."""
    config = parse_config(open_signed(envelope, CONFIG_PAYLOAD_TYPE, keys, store.revoked))
    _check_addressed("configuration", config.device, device)
    _check_newer(
        "control.replayed_config",
        "configuration version {version} is not newer than the accepted {accepted}",
        "version",
        config.version,
        store.state["config_version"],
    )
    store.state["config_version"] = config.version
    store.state["revoked"] = sorted(set(store.revoked) | set(config.revoked_keys))
    store.save(cached_config=envelope)
    return config


def load_cached_config(
    device: str, keys: Mapping[str, PublicKey], store: ControlStore
) -> TerminalConfig | None:
    """Re-verify the cached configuration at start (the files may have been tampered with)."""
    envelope = store.cached()
    if envelope is None:
        return None
    config = parse_config(open_signed(envelope, CONFIG_PAYLOAD_TYPE, keys, store.revoked))
    if config.device != device or config.version != store.state["config_version"]:
        raise ControlError(
            "control.cache_mismatch",
            "cached configuration does not match the accepted version {version}",
            version=store.state["config_version"],
        )
    return config


def accept_command(
    envelope: bytes, device: str, keys: Mapping[str, PublicKey], store: ControlStore
) -> Command:
    """Verify a command, refuse replays and unknown commands, persist its sequence number."""
    document = _document(open_signed(envelope, COMMAND_PAYLOAD_TYPE, keys, store.revoked))
    command = Command(
        device=_field(document, "device", str, "command"),
        seq=_field(document, "seq", int, "command"),
        name=_field(document, "command", str, "command"),
        args=document.get("args", {}),
    )
    _check_addressed("command", command.device, device)
    _check_newer(
        "control.replayed_command",
        "command seq {seq} is not newer than the accepted {accepted}",
        "seq",
        command.seq,
        store.state["command_seq"],
    )
    if command.name not in COMMANDS:
        raise ControlError(
            "control.unknown_command",
            "unknown command {name!r}; known: {known}",
            name=command.name,
            known=sorted(COMMANDS),
        )
    store.state["command_seq"] = command.seq
    store.save()
    return command


def _check_addressed(kind: str, addressed_to: str, device: str) -> None:
    """Refuse a document signed for another device (a valid envelope copied to this one)."""
    if addressed_to != device:
        raise ControlError(
            "control.wrong_device",
            kind + " is for {other}, not {device}",
            other=addressed_to,
            device=device,
        )


def _check_newer(code: str, message: str, name: str, number: int, accepted: int) -> None:
    """Refuse a number not above the persisted high-water mark: the replay protection."""
    if number <= accepted:
        raise ControlError(code, message, **{name: number, "accepted": accepted})
