"""The web signing secret: from the environment, or generated once into the data directory.

Outside demo/debug mode a missing or placeholder secret is refused, so a production deployment can
never run on a guessable key. The generated file is owner-only and lives outside the repository.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from tanji.config import Settings
from tanji.errors import CodedError

PLACEHOLDERS = frozenset({"", "changeme", "change-me", "CHANGE-ME", "secret", "insecure"})


def web_secret_key(settings: Settings) -> str:
    """Return the secret key to sign sessions and CSRF tokens with."""
    configured = settings.secret_key.value
    if configured and configured not in PLACEHOLDERS:
        return configured
    if not (settings.demo or settings.debug):
        raise CodedError(
            "config.secret_key_missing",
            "TANJI_SECRET_KEY is unset or a placeholder; set it (see .env.example)",
        )
    return _generated_key(settings.data_dir / "secret_key")


def _generated_key(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
