import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tanji.terminal.control import ControlStore, accept_command
from tanji.terminal.uplink import HttpsConfig, HttpsUplink, UplinkError, UplinkRefused
from tanji.terminal.uplink.https import BATCHES_PATH, COMMANDS_PATH, CONFIG_PATH, HEARTBEATS_PATH
from tests.components import free_port
from tests.terminal.factories import (
    DEVICE,
    T0,
    Field,
    command_envelope,
    config_envelope,
    readings,
)


class _Platform(ThreadingHTTPServer):
    field: Field
    status: int = 200
    heartbeats: list[bytes]
    config: bytes = b""
    commands: bytes = b"[]"


class _Handler(BaseHTTPRequestHandler):
    server: _Platform

    def log_message(self, *_args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        assert self.headers["X-Tanji-Device"] == DEVICE
        if self.server.status != 200:
            self._answer(self.server.status, b"busy")
        elif self.path == BATCHES_PATH:
            receipt = self.server.field.platform.answer(body)
            self._answer(200, receipt) if receipt else self._answer(400, b"refused")
        elif self.path == HEARTBEATS_PATH:
            self.server.heartbeats.append(body)
            self._answer(204, b"")
        else:
            self._answer(404, b"")

    def do_GET(self) -> None:
        if self.path == CONFIG_PATH.format(device=DEVICE):
            etag = self.headers.get("If-None-Match")
            self._answer(304, b"") if etag == '"config-1"' else self._answer(
                200, self.server.config
            )
        elif self.path == COMMANDS_PATH.format(device=DEVICE):
            self._answer(200, self.server.commands)
        else:
            self._answer(404, b"")


@pytest.fixture
def platform(tmp_path) -> Iterator[_Platform]:
    server = _Platform(("127.0.0.1", free_port()), _Handler)
    server.field = Field(tmp_path)
    server.heartbeats = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _uplink(platform: _Platform) -> HttpsUplink:
    return HttpsUplink(
        HttpsConfig(f"http://127.0.0.1:{platform.server_address[1]}", DEVICE, timeout_s=5)
    )


def test_batches_travel_over_http_and_receipts_free_the_queue(platform):
    field = platform.field
    outbox = field.outbox()
    for minute in range(5):
        field.store(outbox, readings(T0, 3, base=minute * 3))
    field.uplink = _uplink(platform)
    forwarder = field.forwarder(outbox)
    assert forwarder.step() == 5
    assert outbox.depth() == (0, 0)
    assert [v for _t, _m, v in field.platform.samples(DEVICE)] == [float(v) for v in range(15)]
    field.uplink.heartbeat(b"{}")
    assert platform.heartbeats == [b"{}"]


def test_server_errors_are_transient_and_client_errors_are_refusals(platform):
    uplink = _uplink(platform)
    platform.status = 503
    with pytest.raises(UplinkError) as caught:
        uplink.submit(1, b"x")
    assert not isinstance(caught.value, UplinkRefused)
    platform.status = 200
    with pytest.raises(UplinkRefused) as refused:
        uplink.submit(1, b"not an envelope")
    assert refused.value.params["status"] == 400


def test_unreachable_platform_is_a_network_error():
    uplink = HttpsUplink(HttpsConfig(f"http://127.0.0.1:{free_port()}", DEVICE, timeout_s=1))
    with pytest.raises(UplinkError) as caught:
        uplink.submit(1, b"x")
    assert caught.value.code == "uplink.https.network"


def test_plain_http_is_refused_beyond_loopback():
    uplink = HttpsUplink(HttpsConfig("http://platform.invalid", DEVICE))
    with pytest.raises(UplinkRefused) as caught:
        uplink.submit(1, b"x")
    assert caught.value.code == "uplink.https.scheme"


def test_fetches_the_signed_configuration(platform):
    platform.config = config_envelope(platform.field.platform_key, 1)
    assert _uplink(platform).fetch_config() == platform.config
    assert _uplink(platform).fetch_config(running=1) == b""  # 304: nothing new
    assert _uplink(platform).fetch_config(running=2) == platform.config


def test_polls_commands_that_still_verify_after_reserialisation(platform, tmp_path):
    key = platform.field.platform_key
    platform.commands = json.dumps([json.loads(command_envelope(key, 4))]).encode()
    (data,) = _uplink(platform).commands()
    command = accept_command(data, DEVICE, platform.field.platform_keys, ControlStore(tmp_path))
    assert command.seq == 4
    platform.commands = b'{"not": "a list"}'
    with pytest.raises(UplinkError):
        _uplink(platform).commands()
