"""Typed, frozen settings: the only module that reads the process environment.

Pure code takes its parameters as arguments; only the interfaces (CLI, web, gateway, terminal)
call :func:`load_settings` and hand the values down. Secret values hide themselves in ``repr`` so
they never reach a log line by accident.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "TANJI_"


@dataclass(frozen=True)
class Secret:
    """A string that does not print itself."""

    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('**********')" if self.value else "Secret('')"

    def __str__(self) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class Settings:
    """Runtime settings of one tanji process.

    Attributes:
        data_dir: where the embedded database, keys and uploaded documents live.
        database_url: ``sqlite:///…`` (default, under ``data_dir``) or ``postgresql://…``.
        debug: development mode (verbose errors); never in production.
        secret_key: the web framework's signing secret; generated into ``data_dir`` in demo mode.
        demo: demo mode allows generated secrets and placeholder values.
        allowed_hosts: extra host names the web server answers to.
        platform_key_file: the platform signing key (PEM, owner-only); default
            ``data_dir/keys/platform.pem``, generated there in demo mode.
        platform_key_pem: the platform signing key given as PEM (or one-line base64 PEM);
            takes precedence over the file.
        log_origin: the transparency log's origin line in checkpoints.
        witness_key_file: the provincial witness's cosigning key (PEM, owner-only); default
            ``data_dir/keys/witness.pem``, generated there in demo mode; without it (outside
            demo mode) checkpoints are not cosigned.
        witness_key_pem: the witness key given as PEM; takes precedence over the file.
        witness_name: the witness's key name in cosignatures (C2SP tlog-cosignature).
    """

    data_dir: Path
    database_url: str
    debug: bool = False
    secret_key: Secret = Secret("")
    demo: bool = False
    allowed_hosts: tuple[str, ...] = ()
    platform_key_file: Path | None = None
    platform_key_pem: Secret = Secret("")
    log_origin: str = "tanji.example/log"
    witness_key_file: Path | None = None
    witness_key_pem: Secret = Secret("")
    witness_name: str = "province.example/witness"


def _flag(raw: str | None) -> bool:
    return (raw or "").strip().lower() in {"1", "true", "yes", "on"}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``TANJI_*`` variables (and ``DATABASE_URL``).

    Args:
        environ: the environment to read; ``os.environ`` when omitted (tests pass a dict).
    """
    env = os.environ if environ is None else environ
    data_dir = Path(env.get(f"{ENV_PREFIX}DATA_DIR") or Path.cwd() / "var").resolve()
    default_db = f"sqlite:///{data_dir / 'tanji.sqlite3'}"
    database_url = env.get("DATABASE_URL") or env.get(f"{ENV_PREFIX}DATABASE_URL") or default_db
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        debug=_flag(env.get(f"{ENV_PREFIX}DEBUG")),
        secret_key=Secret(env.get(f"{ENV_PREFIX}SECRET_KEY", "")),
        demo=_flag(env.get(f"{ENV_PREFIX}DEMO")),
        allowed_hosts=tuple(
            h.strip() for h in env.get(f"{ENV_PREFIX}ALLOWED_HOSTS", "").split(",") if h.strip()
        ),
        platform_key_file=Path(
            env.get(f"{ENV_PREFIX}PLATFORM_KEY_FILE") or data_dir / "keys" / "platform.pem"
        ),
        platform_key_pem=Secret(env.get(f"{ENV_PREFIX}PLATFORM_KEY_PEM", "")),
        log_origin=env.get(f"{ENV_PREFIX}LOG_ORIGIN") or "tanji.example/log",
        witness_key_file=Path(
            env.get(f"{ENV_PREFIX}WITNESS_KEY_FILE") or data_dir / "keys" / "witness.pem"
        ),
        witness_key_pem=Secret(env.get(f"{ENV_PREFIX}WITNESS_KEY_PEM", "")),
        witness_name=env.get(f"{ENV_PREFIX}WITNESS_NAME") or "province.example/witness",
    )


def hj212_native(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the HJ 212 codec may use its compiled fast path (``TANJI_HJ212_NATIVE``).

    On unless set to a false value (``0``, ``false``, ``no``, ``off``): the fast path returns
    exactly what the pure-Python codec returns (ADR 0244), so the switch exists to measure and
    test the pure-Python path, not to change behaviour. Read once, when the codec is imported.
    """
    env = os.environ if environ is None else environ
    raw = env.get(f"{ENV_PREFIX}HJ212_NATIVE", "").strip()
    return not raw or _flag(raw)
