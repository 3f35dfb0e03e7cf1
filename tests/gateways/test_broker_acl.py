"""The shipped broker ACL on a real Mosquitto: devices publish only as themselves."""

from __future__ import annotations

import getpass
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from tests.components import start_mosquitto
from tests.conftest import require_executable

pytestmark = pytest.mark.mqtt
ACL = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto" / "acl"
USERS = {"tanji-platform": "platform-secret", "T-1": "t1-secret", "T-2": "t2-secret"}


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    directory = tmp_path_factory.mktemp("acl-broker")
    passwd = require_executable("mosquitto_passwd", "/usr/bin/mosquitto_passwd", "apt mosquitto")
    passwords = directory / "passwd"
    passwords.touch()
    for user, password in USERS.items():
        subprocess.run([passwd, "-b", str(passwords), user, password], check=True)
    # Started as root, Mosquitto would switch to its own user, who cannot read the test files.
    extra = (
        f"user {getpass.getuser()}\nallow_anonymous false\n"
        f"password_file {passwords}\nacl_file {ACL}\n"
    )
    process, port = start_mosquitto(directory, extra)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def client(port: int, user: str, password: str | None = None) -> mqtt.Client:
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"{user}-acl-test")
    c.username_pw_set(user, USERS.get(user) if password is None else password)
    c.connect("127.0.0.1", port)
    c.loop_start()
    return c


def delivered(port: int, publisher: str, topic: str) -> bool:
    """Whether the platform receives what ``publisher`` publishes on ``topic``."""
    got = threading.Event()
    platform = client(port, "tanji-platform")
    platform.on_message = lambda *_: got.set()
    platform.subscribe("tanji/#", qos=1)[1]
    device = client(port, publisher)
    try:
        import time

        time.sleep(0.3)
        device.publish(topic, b"x", qos=1).wait_for_publish(5)
        return got.wait(1.0)
    finally:
        for c in (device, platform):
            c.disconnect()
            c.loop_stop()


def test_device_publishes_batches_under_its_own_id(broker: int) -> None:
    assert delivered(broker, "T-1", "tanji/7/T-1/batches")


def test_device_cannot_publish_as_another_device(broker: int) -> None:
    assert not delivered(broker, "T-1", "tanji/7/T-2/batches")


def test_device_cannot_forge_receipts(broker: int) -> None:
    assert not delivered(broker, "T-1", "tanji/7/T-1/receipts")


def test_wrong_password_is_refused(broker: int) -> None:
    refused = threading.Event()
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="intruder")
    c.username_pw_set("T-1", "wrong")
    c.on_connect = lambda _c, _u, _f, reason, _p: refused.set() if reason.is_failure else None
    c.connect("127.0.0.1", broker)
    c.loop_start()
    try:
        assert refused.wait(5)
    finally:
        c.loop_stop()
