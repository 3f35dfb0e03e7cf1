"""``tanji keys new``: a private key only its owner can read, the public key in PEM on stdout."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tanji.cli.main import main
from tanji.trust.keys import load_private_key_file, load_public_key


@pytest.mark.parametrize("suite", ["ed25519-sha256", "sm2-sm3"])
def test_new_key_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str], suite: str) -> None:
    out = tmp_path / "me.pem"
    assert main(["keys", "new", "--out", str(out), "--suite", suite]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    private = load_private_key_file(out)
    captured = capsys.readouterr()
    public = load_public_key(captured.out.encode("ascii"))
    assert public == private.public_key()
    assert public.suite == suite
    assert public.key_id in captured.err


def test_an_existing_file_is_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "me.pem"
    out.write_bytes(b"keep")
    assert main(["keys", "new", "--out", str(out)]) == 2
    assert out.read_bytes() == b"keep"
    assert "cannot create" in capsys.readouterr().err
