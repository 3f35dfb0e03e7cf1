"""The station file: what a terminal knows before the platform has told it anything.

Identity (device and enterprise), where its data lives, how to reach the platform and which
platform keys to trust are local facts, installed with the terminal (``terminal.toml``, TOML
because it is read by people in a cabinet with a laptop). Everything about instruments comes
from the platform-signed configuration instead (:mod:`tanji.terminal.control`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tanji.errors import CodedError
from tanji.trust.keys import PublicKey, load_public_key

DEFAULT_STATION = Path("/etc/tanji-terminal/terminal.toml")


class StationError(CodedError):
    """The station file is missing or wrong."""


@dataclass(frozen=True)
class Station:
    """Local settings of one terminal."""

    device: str
    enterprise: str
    data_dir: Path
    platform_url: str
    platform_keys: tuple[Path, ...]
    uplink: str = "https"
    mqtt_host: str = ""
    mqtt_port: int = 8883
    ca_file: Path | None = None
    buffer_max_bytes: int | None = None
    heartbeat_s: float = 60.0
    clock_file: Path | None = None  # rehearsals only: acquisition time from a file (ADR 0162)

    @property
    def key_path(self) -> Path:
        """The terminal's private key (owner-only)."""
        return self.data_dir / "terminal.key"

    @property
    def outbox_path(self) -> Path:
        """The outbox database."""
        return self.data_dir / "outbox.sqlite3"

    @property
    def status_path(self) -> Path:
        """The status file written by every heartbeat."""
        return self.data_dir / "status.json"

    def trusted_keys(self) -> dict[str, PublicKey]:
        """Platform public keys by key id."""
        keys = [load_public_key(path.read_bytes()) for path in self.platform_keys]
        return {key.key_id: key for key in keys}


_REQUIRED = ("device", "enterprise", "data_dir", "platform_url", "platform_keys")


def load_station(path: Path) -> Station:
    """Read and check a station file; relative paths are taken from the file's folder."""
    try:
        document: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StationError(
            "station.unreadable",
            "cannot read station file {path}: {error}",
            path=str(path),
            error=str(exc),
        ) from None
    missing = [k for k in _REQUIRED if k not in document]
    unknown = set(document) - set(Station.__dataclass_fields__)
    if missing or unknown:
        raise StationError(
            "station.fields",
            "{path}: missing {missing}, unknown {unknown}",
            path=str(path),
            missing=missing,
            unknown=sorted(unknown),
        )
    base = path.parent
    fields = dict(document)
    fields["data_dir"] = base / fields["data_dir"]
    fields["platform_keys"] = tuple(base / p for p in fields["platform_keys"])
    for optional in ("ca_file", "clock_file"):
        if fields.get(optional):
            fields[optional] = base / fields[optional]
    if fields.get("uplink", "https") not in ("https", "mqtt"):
        raise StationError(
            "station.uplink",
            "{path}: uplink must be https or mqtt, got {got!r}",
            path=str(path),
            got=fields["uplink"],
        )
    return Station(**fields)
