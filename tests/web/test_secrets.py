from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tanji.config import Secret, Settings
from tanji.errors import CodedError
from tanji.web.secrets import web_secret_key


def _settings(tmp_path: Path, secret: str = "", *, demo: bool = False) -> Settings:
    return Settings(
        data_dir=tmp_path, database_url="sqlite:///x", secret_key=Secret(secret), demo=demo
    )


def test_configured_secret_is_used(tmp_path: Path) -> None:
    assert (
        web_secret_key(_settings(tmp_path, "a-long-configured-secret"))
        == "a-long-configured-secret"
    )


@pytest.mark.parametrize("secret", ["", "changeme", "CHANGE-ME"])
def test_placeholder_refused_outside_demo(tmp_path: Path, secret: str) -> None:
    with pytest.raises(CodedError) as caught:
        web_secret_key(_settings(tmp_path, secret))
    assert caught.value.code == "config.secret_key_missing"


def test_demo_generates_an_owner_only_key_once(tmp_path: Path) -> None:
    first = web_secret_key(_settings(tmp_path, demo=True))
    second = web_secret_key(_settings(tmp_path, demo=True))
    assert first == second
    assert len(first) >= 50
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
