import csv
import json
from pathlib import Path

import pytest

from tanji.cli.main import main


def test_backfill_writes_csv_truth_and_lab(tmp_path: Path) -> None:
    out, truth, lab = tmp_path / "r.csv", tmp_path / "t.csv", tmp_path / "l.jsonl"
    status = main(
        [
            "simulate",
            "backfill",
            "--scenario",
            "eventful-week",
            "--hours",
            "2",
            "--output",
            str(out),
            "--truth",
            str(truth),
            "--lab",
            str(lab),
        ]
    )
    assert status == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 120 * 31
    assert rows[0]["time"] == "2025-06-08T16:00:00.000Z"
    assert {row["flag"] for row in rows} <= {"N", "C"}
    hours = list(csv.DictReader(truth.read_text(encoding="utf-8").splitlines()))
    assert len(hours) == 2
    assert 100 < float(hours[0]["carbonate_co2_t"]) < 120
    assert all(json.loads(line)["unit"] for line in lab.read_text().splitlines())


def test_backfill_jsonl_to_stdout_with_selected_tags(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "simulate",
            "backfill",
            "--hours",
            "0.5",
            "--format",
            "jsonl",
            "--tags",
            "L1.CEMS.CO2,L1.COAL.KH",
            "--seed",
            "3",
        ]
    )
    assert status == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 60
    assert {line["tag"] for line in lines} == {"L1.CEMS.CO2", "L1.COAL.KH"}
    assert set(lines[0]) == {"q", "t", "tag", "u", "v"}


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--start", "2025-06-01"], "simulator.bad_time"),
        (["--start", "2024-01-01T00:00:00+08:00", "--hours", "1"], "simulator.bad_window"),
        (["--tags", "L1.NOPE"], "simulator.unknown_tag"),
        (["--scenario", "busy-year"], "simulator.unknown_scenario"),
    ],
)
def test_backfill_reports_bad_arguments(
    argv: list[str], code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "backfill", "--hours", "1", *argv]) == 2
    assert code in capsys.readouterr().err


def test_tags_lists_the_tag_map(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "tags"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 31
    assert lines[0].startswith("L1.RM.FEED\tt/h\tmeasurement")


def test_live_streams_the_requested_ticks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tanji.simulator import stream

    monkeypatch.setattr(stream.SystemClock, "sleep_until", lambda self, moment: None)
    assert main(["simulate", "live", "--count", "2", "--tags", "L1.CEMS.O2"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["tag"] for line in lines] == ["L1.CEMS.O2"] * 2


def test_cems_uploads_to_a_gateway(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio
    import threading

    from tanji.protocols.hj212 import FrameScanner, build_frame, data_answer
    from tanji.simulator import stream

    async def no_wait(self: object, moment: object) -> None:
        return None

    monkeypatch.setattr(stream.AsyncSystemClock, "sleep_until", no_wait)
    received: list[int] = []
    ready, done = threading.Event(), threading.Event()
    port: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        scanner = FrameScanner()
        while data := await reader.read(4096):
            for frame in scanner.feed(data):
                assert frame.message is not None
                received.append(frame.message.cn)
                writer.write(build_frame(data_answer(frame.message)))
        writer.close()
        await writer.wait_closed()
        done.set()

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        async with server:
            while not done.is_set():
                await asyncio.sleep(0.01)

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert ready.wait(5)
    assert main(["simulate", "cems", "--port", str(port[0]), "--count", "2"]) == 0
    thread.join(5)
    assert received.count(2051) == 2
    assert "0 pending" in capsys.readouterr().err


def test_cems_reports_an_unreachable_gateway(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    assert main(["simulate", "cems", "--port", str(free_port), "--count", "1"]) == 2
    assert "simulator.connect_failed" in capsys.readouterr().err
