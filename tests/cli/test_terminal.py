import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tanji.cli.main import main
from tanji.terminal.buffer import Outbox
from tanji.terminal.station import StationError, load_station
from tanji.trust.keys import generate_private_key
from tests.components import free_port


def _station(tmp_path: Path, port: int, **extra: str) -> Path:
    (tmp_path / "platform.pub").write_bytes(generate_private_key().public_key().to_pem())
    lines = [
        'device = "T-4201-01"',
        'enterprise = "E-4201"',
        'data_dir = "data"',
        f'platform_url = "http://127.0.0.1:{port}"',
        'platform_keys = ["platform.pub"]',
        *(f'{k} = "{v}"' for k, v in extra.items()),
    ]
    path = tmp_path / "terminal.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class _Enrolment(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, str]]] = []

    def log_message(self, *_args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(json.loads(body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_enrol_creates_an_owner_only_key_and_submits_the_public_key(tmp_path, capsys):
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Enrolment)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        station = _station(tmp_path, server.server_address[1])
        assert main(["terminal", "enrol", "--station", str(station), "--code", "K7-93QX"]) == 0
    finally:
        server.shutdown()
        server.server_close()
    key_file = tmp_path / "data" / "terminal.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    (request,) = _Enrolment.received
    assert request["code"] == "K7-93QX"
    assert request["public_key"].startswith("-----BEGIN")
    assert request["key_id"] in capsys.readouterr().out


def test_enrol_without_a_platform_prints_the_key_and_keeps_it(tmp_path, capsys):
    station = _station(tmp_path, free_port())
    assert main(["terminal", "enrol", "--station", str(station), "--code", "X"]) == 1
    first = (tmp_path / "data" / "terminal.key").read_bytes()
    assert "BEGIN" in capsys.readouterr().out
    assert main(["terminal", "enrol", "--station", str(station), "--code", "X"]) == 1
    assert (tmp_path / "data" / "terminal.key").read_bytes() == first  # never replaced


def test_run_without_any_configuration_refuses_to_start(tmp_path, capsys):
    station = _station(tmp_path, free_port())
    main(["terminal", "enrol", "--station", str(station), "--code", "X"])
    assert main(["terminal", "run", "--station", str(station)]) == 3
    assert "no configuration" in capsys.readouterr().out


def test_status_reports_the_queue(tmp_path, capsys):
    station = _station(tmp_path, free_port())
    (tmp_path / "data").mkdir()
    Outbox(tmp_path / "data" / "outbox.sqlite3").close()
    assert main(["terminal", "status", "--station", str(station), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["queue_batches"] == 0
    assert document["next_seq"] == 1


def test_bad_station_file_is_a_coded_error(tmp_path, capsys):
    path = tmp_path / "terminal.toml"
    path.write_text('device = "T"\nuplink = "carrier-pigeon"\n', encoding="utf-8")
    with pytest.raises(StationError) as caught:
        load_station(path)
    assert caught.value.code == "station.fields"
    assert main(["terminal", "status", "--station", str(path)]) == 1
    assert "station.fields" in capsys.readouterr().out


def test_wrong_uplink_kind_is_named(tmp_path):
    station = _station(tmp_path, 1, uplink="carrier-pigeon")
    with pytest.raises(StationError) as caught:
        load_station(station)
    assert caught.value.code == "station.uplink"
