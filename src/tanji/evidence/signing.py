"""The platform signing key: loaded from outside the database, never stored in it.

Receipts, checkpoints and terminal configuration are signed with it (R4.2.2). The provincial
witness's cosigning key is loaded the same way from ``TANJI_WITNESS_KEY_*``. The key comes from
``TANJI_PLATFORM_KEY_PEM`` or an owner-only PEM file (``TANJI_PLATFORM_KEY_FILE``, default
``<data dir>/keys/platform.pem``); in demo mode a missing file is generated with mode 600. A
database dump therefore never carries the means to forge the platform's statements.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from tanji.config import Settings, load_settings
from tanji.errors import CodedError
from tanji.trust.keys import (
    PrivateKey,
    generate_private_key,
    load_private_key_file,
    private_key_from_setting,
)


def load_platform_key(settings: Settings) -> PrivateKey:
    """The platform key named by ``settings`` (generated in demo mode when missing).

    Raises:
        CodedError: ``evidence.no_platform_key`` outside demo mode when none is configured;
            ``trust.*`` key errors for an unreadable, group-readable or malformed file.
    """
    if settings.platform_key_pem:
        return private_key_from_setting(settings.platform_key_pem.value)
    path = settings.platform_key_file or settings.data_dir / "keys" / "platform.pem"
    if not path.exists():
        if not settings.demo:
            raise CodedError(
                "evidence.no_platform_key",
                "no platform signing key at {path}; set TANJI_PLATFORM_KEY_FILE or _PEM",
                path=str(path),
            )
        _generate(path)
    return load_private_key_file(path)


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = generate_private_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.to_pem())


@lru_cache(maxsize=1)
def platform_key() -> PrivateKey:
    """The process's platform key (read once from the process settings)."""
    return load_platform_key(load_settings())


def has_platform_key() -> bool:
    """Whether the process has a platform key (configured, or generated in demo mode)."""
    try:
        platform_key()
    except CodedError as error:
        if error.code != "evidence.no_platform_key":
            raise
        return False
    return True


def load_witness_key(settings: Settings) -> PrivateKey | None:
    """The provincial witness key, or ``None`` when none is configured (outside demo mode).

    In a production deployment the witness runs at the provincial platform with its own key;
    a demo province holds both sides, so the key is generated beside the platform key (ADR 0182).
    """
    if settings.witness_key_pem:
        return private_key_from_setting(settings.witness_key_pem.value)
    path = settings.witness_key_file or settings.data_dir / "keys" / "witness.pem"
    if not path.exists():
        if not settings.demo:
            return None
        _generate(path)
    return load_private_key_file(path)


@lru_cache(maxsize=1)
def witness_key() -> PrivateKey | None:
    """The process's witness key (read once), ``None`` when none is configured."""
    return load_witness_key(load_settings())
