from __future__ import annotations

import pytest

from tanji import __version__
from tanji.cli.main import build_parser, main


def test_without_a_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_every_registered_command_has_a_handler() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    choices = getattr(subparsers, "choices", {})
    assert choices
    for name, sub in choices.items():
        assert sub.get_default("handler") is not None, name
