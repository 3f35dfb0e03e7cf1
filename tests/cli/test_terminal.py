import json
import os
import signal
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tanji.cli.main import main
from tanji.cli.terminal import EXIT_RESTART
from tanji.terminal.buffer import Outbox
from tanji.terminal.station import StationError, load_station
from tanji.trust.keys import generate_private_key
from tests.components import free_port
from tests.terminal.factories import Field, command_envelope, config_envelope


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


class _Platform(BaseHTTPRequestHandler):
    """Serves a signed configuration and answers batches with receipts."""

    field: ClassVar[Field]
    config: ClassVar[bytes]
    commands: ClassVar[bytes] = b"[]"

    def log_message(self, *_args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(200, self.config if self.path.endswith("/config") else self.commands)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        receipt = self.field.platform.answer(body) if self.path.endswith("/batches") else b""
        self._answer(200, receipt or b"")


def test_run_fetches_the_signed_configuration_and_stops_cleanly_on_sigterm(tmp_path, capsys):
    field = Field(tmp_path)
    _Platform.field = field
    _Platform.config = config_envelope(
        field.platform_key,
        1,
        [
            {
                "name": "sim",
                "driver": "simulated",
                "settings": {"scan_s": 1, "units": {"L1.A": "t/h"}, "waves": {"L1.A": [5, 1, 60]}},
            }
        ],
    )
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Platform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    station = _station(tmp_path, server.server_address[1])
    (tmp_path / "platform.pub").write_bytes(field.platform_key.public_key().to_pem())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "terminal.key").write_bytes(field.terminal_key.to_pem())
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert main(["terminal", "run", "--station", str(station)]) == 0
    finally:
        timer.join()
        server.shutdown()
        server.server_close()
    assert signal.getsignal(signal.SIGTERM) is not None
    assert (tmp_path / "data" / "config.dsse.json").read_bytes() == _Platform.config
    assert (tmp_path / "data" / "status.json").exists()
    assert main(["terminal", "status", "--station", str(station)]) == 0
    assert "next_seq" in capsys.readouterr().out


def test_signed_restart_command_ends_run_with_the_restart_status(tmp_path):
    field = Field(tmp_path)
    _Platform.field = field
    _Platform.config = config_envelope(field.platform_key, 1)
    _Platform.commands = json.dumps(
        [json.loads(command_envelope(field.platform_key, 1, "restart"))]
    ).encode()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Platform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    station = _station(tmp_path, server.server_address[1])
    (tmp_path / "platform.pub").write_bytes(field.platform_key.public_key().to_pem())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "terminal.key").write_bytes(field.terminal_key.to_pem())
    try:
        assert main(["terminal", "run", "--station", str(station)]) == EXIT_RESTART
    finally:
        _Platform.commands = b"[]"
        server.shutdown()
        server.server_close()
