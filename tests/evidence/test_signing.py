"""The platform key lives outside the database: generated owner-only in demo mode only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanji.config import Secret, Settings
from tanji.errors import CodedError
from tanji.evidence.signing import load_platform_key
from tanji.trust.keys import generate_private_key


def settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(data_dir=tmp_path, database_url="sqlite:///x", **changes)  # type: ignore[arg-type]


def test_demo_mode_generates_an_owner_only_key_once(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "platform.pem"
    first = load_platform_key(settings(tmp_path, demo=True, platform_key_file=path))
    assert path.stat().st_mode & 0o777 == 0o600
    again = load_platform_key(settings(tmp_path, demo=True, platform_key_file=path))
    assert first.key_id == again.key_id


def test_production_refuses_to_invent_a_key(tmp_path: Path) -> None:
    with pytest.raises(CodedError) as error:
        load_platform_key(settings(tmp_path, platform_key_file=tmp_path / "none.pem"))
    assert error.value.code == "evidence.no_platform_key"


def test_group_readable_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "platform.pem"
    path.write_bytes(generate_private_key().to_pem())
    path.chmod(0o640)
    with pytest.raises(CodedError) as error:
        load_platform_key(settings(tmp_path, platform_key_file=path))
    assert error.value.code == "trust.key_file_permissions"


def test_pem_setting_takes_precedence(tmp_path: Path) -> None:
    key = generate_private_key()
    loaded = load_platform_key(
        settings(
            tmp_path,
            platform_key_pem=Secret(key.to_pem().decode()),
            platform_key_file=tmp_path / "none.pem",
        )
    )
    assert loaded.key_id == key.key_id
