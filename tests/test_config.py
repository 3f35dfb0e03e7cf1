from __future__ import annotations

from pathlib import Path

from tanji.config import Secret, hj212_native, load_settings


def test_defaults_put_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"TANJI_DATA_DIR": str(tmp_path)})
    assert settings.data_dir == tmp_path.resolve()
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'tanji.sqlite3'}"
    assert not settings.debug
    assert not settings.demo
    assert not settings.secret_key


def test_database_url_prefers_the_conventional_variable() -> None:
    env = {"DATABASE_URL": "postgresql://a@h/db", "TANJI_DATABASE_URL": "sqlite:///x"}
    assert load_settings(env).database_url == "postgresql://a@h/db"


def test_flags_and_hosts_are_parsed() -> None:
    env = {"TANJI_DEBUG": "yes", "TANJI_DEMO": "1", "TANJI_ALLOWED_HOSTS": " a.example, ,b "}
    settings = load_settings(env)
    assert settings.debug
    assert settings.demo
    assert settings.allowed_hosts == ("a.example", "b")


def test_secret_never_prints_its_value() -> None:
    settings = load_settings({"TANJI_SECRET_KEY": "s3cr3t-value"})
    assert "s3cr3t-value" not in repr(settings)
    assert "s3cr3t-value" not in str(settings.secret_key)
    assert settings.secret_key.value == "s3cr3t-value"
    assert repr(Secret("")) == "Secret('')"


def test_hj212_native_is_on_unless_switched_off() -> None:
    assert hj212_native({})
    assert hj212_native({"TANJI_HJ212_NATIVE": "1"})
    assert hj212_native({"TANJI_HJ212_NATIVE": " "})
    for off in ("0", "false", "no", "OFF"):
        assert not hj212_native({"TANJI_HJ212_NATIVE": off})
