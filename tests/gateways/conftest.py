"""The platform key of the process, given as PEM through the environment as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tanji.evidence import signing
from tanji.trust.keys import PrivateKey, generate_private_key


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateKey]:
    key = generate_private_key()
    monkeypatch.setenv("TANJI_PLATFORM_KEY_PEM", key.to_pem().decode("ascii"))
    signing.platform_key.cache_clear()
    yield key
    signing.platform_key.cache_clear()
