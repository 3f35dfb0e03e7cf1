"""Saved demo passwords, the simulated history's origin, reset and the progress bar."""

from __future__ import annotations

import io
import stat
from datetime import UTC, datetime
from pathlib import Path

from tanji.livedemo import logins
from tanji.livedemo.progress import ProgressBar
from tanji.livedemo.run import DB_FILES, STATE_FILE, origin, reset


def test_passwords_saved_owner_only_and_merged(tmp_path: Path) -> None:
    logins.save(tmp_path, {"a": "1"})
    logins.save(tmp_path, {"b": "2"})
    assert logins.load(tmp_path) == {"a": "1", "b": "2"}
    assert stat.S_IMODE((tmp_path / logins.FILENAME).stat().st_mode) == 0o600
    assert logins.load(tmp_path / "missing") == {}


def test_origin_is_kept_between_runs(tmp_path: Path) -> None:
    first = origin(tmp_path, datetime(2026, 11, 21, 7, 5, tzinfo=UTC), 365)
    assert first == datetime(2025, 11, 21, tzinfo=UTC)
    assert origin(tmp_path, datetime(2027, 1, 1, tzinfo=UTC), 30) == first


def test_reset_removes_database_passwords_and_state(tmp_path: Path) -> None:
    for name in (*DB_FILES, logins.FILENAME, STATE_FILE, "secret_key"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    reset(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_progress_prints_tenths_when_not_a_terminal() -> None:
    out = io.StringIO()
    bar = ProgressBar("back-fill", 100, out)
    for _ in range(100):
        bar.advance(1)
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[-1].startswith("back-fill [" + "#" * 30 + "] 100%")
