"""The MQTT subscriber against a real Mosquitto broker: receipts after commit, refusals kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import paho.mqtt.client as mqtt
import pytest

from tanji.evidence.models import QuarantineEntry, RawEnvelope
from tanji.gateways.mqtt import MqttIntake, MqttSettings, parse_topic
from tanji.protocols.receipts import decode_receipt
from tanji.timeseries.models import Sample
from tanji.trust.dsse import decode_envelope, verify_envelope
from tanji.trust.keys import PrivateKey
from tests.components import Broker
from tests.evidence.factories import World, clear_timeseries, make_world
from tests.ingest.cases import SIGNED_CASES
from tests.shared_cache import until_unlocked

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_timeseries() -> Iterator[None]:
    clear_timeseries()
    yield
    clear_timeseries()


class Terminal:
    """A device-side MQTT client collecting receipts."""

    def __init__(self, broker: Broker, world: World) -> None:
        self.receipts: list[bytes] = []
        self.got = threading.Event()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=world.terminal.device_id
        )
        self.client.on_message = self._on_message
        self.client.connect(broker.host, broker.port)
        self.prefix = f"tanji/{world.enterprise.pk}/{world.terminal.device_id}"
        self.client.subscribe(f"{self.prefix}/receipts", qos=1)
        self.client.loop_start()

    def _on_message(self, _c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        self.receipts.append(bytes(message.payload))
        self.got.set()

    def publish(self, payload: bytes, topic: str = "") -> None:
        self.client.publish(topic or f"{self.prefix}/batches", payload, qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def wait_until(condition: Callable[[], object], timeout_s: float = 10.0) -> None:
    """Poll ``condition`` while the intake thread works (a table lock only means "not yet")."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if until_unlocked(condition, timeout_s):
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached")


@pytest.fixture
def intake(mosquitto: Broker, platform: PrivateKey) -> Iterator[MqttIntake]:
    subscriber = MqttIntake(MqttSettings(mosquitto.host, mosquitto.port, client_id="tanji-test"))
    subscriber.start()
    yield subscriber
    subscriber.stop()


def test_topic_names_enterprise_device_and_kind() -> None:
    assert parse_topic("tanji/7/T-1/batches") == ("7", "T-1", "batches")
    assert parse_topic("tanji//T-1/batches") is None
    assert parse_topic("other/7/T-1/batches") is None


def test_batch_over_mqtt_gets_a_receipt_after_commit(
    mosquitto: Broker,
    intake: MqttIntake,
    platform: PrivateKey,
) -> None:
    world = make_world()
    terminal = Terminal(mosquitto, world)
    time.sleep(0.3)
    try:
        terminal.publish(world.envelope(world.batch(1)))
        assert terminal.got.wait(10)
    finally:
        terminal.close()
    envelope = decode_envelope(terminal.receipts[0])
    verify_envelope(envelope, {platform.key_id: platform.public_key()})
    receipt = decode_receipt(envelope.payload)
    assert (receipt.seq, receipt.status) == (1, "accepted")
    assert RawEnvelope.objects.get().channel == "mqtt"
    assert Sample.objects.count() == 3


@pytest.mark.parametrize(
    "name", ["tampered_payload", "unenrolled_key", "wrong_enterprise_topic", "out_of_range"]
)
def test_refused_mqtt_messages_are_quarantined_without_receipt(
    mosquitto: Broker,
    intake: MqttIntake,
    name: str,
) -> None:
    world, other = make_world("T"), make_world("O")
    build, reason = SIGNED_CASES[name]
    message = build(world, other)
    terminal = Terminal(mosquitto, world)
    enterprise = message.enterprise or str(world.enterprise.pk)
    try:
        terminal.publish(message.body, f"tanji/{enterprise}/{message.device}/batches")
        wait_until(lambda: QuarantineEntry.objects.exists())
    finally:
        terminal.close()
    assert QuarantineEntry.objects.get().reason == reason
    assert terminal.receipts == []
    assert (RawEnvelope.objects.count(), Sample.objects.count()) == (0, 0)


def test_batches_in_flight_together_are_receipted_in_order_and_stored_once(
    mosquitto: Broker,
    intake: MqttIntake,
    platform: PrivateKey,
) -> None:
    world = make_world()
    terminal = Terminal(mosquitto, world)
    time.sleep(0.3)
    bodies = [world.envelope(world.batch(seq)) for seq in range(1, 9)]
    try:
        for body in [*bodies, bodies[2]]:  # all in flight, and a redelivery of seq 3
            terminal.client.publish(f"{terminal.prefix}/batches", body, qos=1)
        wait_until(lambda: len(terminal.receipts) == 9)
    finally:
        terminal.close()
    receipts = [decode_receipt(decode_envelope(r).payload) for r in terminal.receipts]
    assert [(r.seq, r.status) for r in receipts] == [
        *((seq, "accepted") for seq in range(1, 9)),
        (3, "duplicate"),
    ]
    assert RawEnvelope.objects.count() == 8
    assert Sample.objects.count() == 8 * 3
    assert intake.committer is not None
    assert intake.committer.submitted == 9
