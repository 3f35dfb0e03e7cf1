"""Test-wide rules: a clean environment and real components that never skip in CI."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tanji.trust.keys import PrivateKey

pytest_plugins = ["tests.components"]

#: Set by ``.ci/run``; in CI a test needing a real component must fail, never skip.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _clean_tanji_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``TANJI_*`` variable of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("TANJI_"):
            monkeypatch.delenv(key)
    caches = sys.modules.get("tanji.ingest.caches")
    if caches is not None:  # rows cached by an earlier test may have been rolled back
        caches.clear()


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateKey]:
    """The process's platform key, given as PEM through the environment as in production.

    Test packages that stand up a whole platform process define their own ``platform``.
    """
    from tanji.evidence import signing
    from tanji.trust.keys import generate_private_key

    key = generate_private_key()
    monkeypatch.setenv("TANJI_PLATFORM_KEY_PEM", key.to_pem().decode("ascii"))
    signing.platform_key.cache_clear()
    yield key
    signing.platform_key.cache_clear()


def require_component(name: str, available: bool, how: str) -> None:
    """Skip locally when a real component is missing, but fail in CI.

    Args:
        name: the component (PostgreSQL, Mosquitto, Chromium …).
        available: whether it was found.
        how: what starts it (shown in the message).
    """
    if available:
        return
    message = f"{name} is not available; {how}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def require_executable(name: str, path: str, how: str) -> str:
    """Return the path of a needed executable, or skip (locally) / fail (CI)."""
    found = shutil.which(path) or (path if Path(path).exists() else None)
    require_component(name, found is not None, how)
    assert found is not None
    return found
