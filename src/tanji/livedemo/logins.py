"""The demo passwords, kept in an owner-only file in the data directory so every run shows them.

The builder generates a password only when it creates an account and returns it once; the demo
is meant to be restarted, so it saves those passwords (mode 0600, outside the repository) and
prints every login on every start. These are demo credentials for a local, throw-away database.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FILENAME = "demo-logins.json"


def load(data_dir: Path) -> dict[str, str]:
    """Saved username → password (empty when nothing was saved yet)."""
    path = data_dir / FILENAME
    if not path.exists():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    return {str(user): str(password) for user, password in document.items()}


def save(data_dir: Path, passwords: dict[str, str]) -> None:
    """Merge ``passwords`` into the file, written owner-only and replaced atomically."""
    merged = load(data_dir) | passwords
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / f".{FILENAME}.tmp"
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(merged, handle, indent=1, sort_keys=True)
    temporary.replace(data_dir / FILENAME)
