import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from tanji.cli.main import build_parser
from tanji.terminal.station import load_station

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "terminal"
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "RestrictNamespaces": "yes",
    "CapabilityBoundingSet": "",
    "DevicePolicy": "closed",
    "MemoryDenyWriteExecute": "yes",
}


def _unit() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "tanji-terminal.service", encoding="utf-8")
    return parser


def test_unit_runs_the_cli_command_and_logs_to_journald():
    service = _unit()["Service"]
    command = service["ExecStart"].split()
    assert command[1:3] == ["terminal", "run"]
    args = build_parser().parse_args(command[1:])
    assert str(args.station) == "/etc/tanji-terminal/terminal.toml"
    assert service["StandardOutput"] == "journal"
    assert service["Restart"] == "always"


def test_unit_is_hardened():
    service = _unit()["Service"]
    assert {key: service.get(key) for key in HARDENING} == HARDENING


def test_unit_passes_systemd_analyze_apart_from_the_missing_install():
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    result = subprocess.run(
        [analyze, "verify", str(DEPLOY / "tanji-terminal.service")],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [line for line in result.stderr.splitlines() if "is not executable" not in line]
    assert problems == []


def test_install_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(DEPLOY / "install.sh")], check=True)


def test_example_station_file_loads(tmp_path):
    example = tmp_path / "terminal.toml"
    shutil.copy(DEPLOY / "terminal.toml.example", example)
    station = load_station(example)
    assert station.platform_keys == (tmp_path / "platform.pub",)
    assert station.data_dir == Path("/var/lib/tanji-terminal")
