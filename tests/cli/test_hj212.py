from __future__ import annotations

import json
from pathlib import Path

import pytest

from tanji.cli.main import main
from tanji.protocols.hj212 import build_frame, split_message
from tests.protocols.hj212.factories import message

FRAMES = Path(__file__).parents[1] / "protocols" / "hj212" / "frames"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    status = main(["hj212", "check", *argv])
    return status, capsys.readouterr().out.splitlines()


def test_json_verdicts_match_the_capture_expectations(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run(capsys, "--json", str(FRAMES / "session-noisy.h212"))
    verdicts = [json.loads(line) for line in lines]
    expected = json.loads((FRAMES / "session-noisy.expected.json").read_text())["frames"]
    assert [v["error"]["code"] if not v["ok"] else "ok" for v in verdicts] == expected
    assert all(isinstance(v["ok"], bool) for v in verdicts)
    assert status == 1


def test_clean_capture_exits_zero_and_shows_content(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run(capsys, str(FRAMES / "tv10.h212"))
    assert status == 0
    assert len(lines) == 4
    assert "a05001 Min=440296.5,Avg=442064.7" in lines[1]
    assert "DataTime=2025-06-10T08:00:00+08:00" in lines[2]


def test_split_packets_are_reported_and_reassembled(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cp = tuple(((f"a0101{i}-Avg", f"{i}.5"),) for i in range(1, 8))
    whole = message(cp=((("DataTime", "20250610083000"),), *cp))
    capture = tmp_path / "split.h212"
    capture.write_bytes(b"".join(build_frame(p) for p in split_message(whole, 40)))
    status, lines = run(capsys, "--json", str(capture))
    verdicts = [json.loads(line) for line in lines]
    assert status == 0
    assert [v["message"]["pno"] for v in verdicts] == list(range(1, len(verdicts) + 1))
    assert set(verdicts[-1]["payload"]["factors"]) == {f"a0101{i}" for i in range(1, 8)}
    assert all("payload" not in v for v in verdicts[:-1])


def test_version_acceptance_is_a_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run(capsys, "--accept", "2025", str(FRAMES / "tv10.h212"))
    assert status == 1
    assert all("hj212.flag.version" in line for line in lines)
    assert main(["hj212", "check", "--accept", "1999", str(FRAMES / "tv10.h212")]) == 2


def test_group_without_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hj212"]) == 2
    assert "check" in capsys.readouterr().out
