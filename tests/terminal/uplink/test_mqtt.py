import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tanji.terminal.uplink import MqttConfig, MqttUplink, UplinkError
from tests.components import Broker, free_port
from tests.terminal.factories import DEVICE, T0, Field, readings

pytestmark = pytest.mark.mqtt
ENTERPRISE = "E-4201"


def _platform_client(broker: Broker, field: Field) -> mqtt.Client:
    """The platform side: ingest each batch, answer on the receipts topic."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="platform")

    def on_message(_c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        receipt = field.platform.answer(message.payload)
        if receipt is not None:
            topic = message.topic.rsplit("/", 1)[0] + "/receipts"
            client.publish(topic, receipt, qos=1)

    client.on_message = on_message
    client.connect(broker.host, broker.port)
    client.subscribe("tanji/+/+/batches", qos=1)
    client.loop_start()
    return client


def test_batches_and_receipts_travel_through_a_real_broker(mosquitto, tmp_path):
    field = Field(tmp_path)
    platform = _platform_client(mosquitto, field)
    uplink = MqttUplink(MqttConfig(mosquitto.host, ENTERPRISE, DEVICE, port=mosquitto.port))
    try:
        assert uplink.wait_connected(10)
        time.sleep(0.2)  # let the platform's subscription settle
        outbox = field.outbox()
        for minute in range(20):
            field.store(outbox, readings(T0, 5, base=minute * 5))
        field.uplink = uplink
        forwarder = field.forwarder(outbox, window=8)
        deadline = time.monotonic() + 15
        while outbox.depth()[0] and time.monotonic() < deadline:
            forwarder.step()
            time.sleep(0.02)
        assert outbox.depth() == (0, 0)
        values = [v for _t, _m, v in field.platform.samples(DEVICE)]
        assert values == [float(v) for v in range(100)]
        uplink.heartbeat(b"{}")
        deadline = time.monotonic() + 5
        while uplink.awaiting_puback and time.monotonic() < deadline:
            time.sleep(0.01)
        assert uplink.awaiting_puback == 0  # every PUBACK accounted for, none leaked
    finally:
        uplink.close()
        platform.loop_stop()
        platform.disconnect()


def test_publishing_while_disconnected_is_refused_not_queued_in_memory():
    uplink = MqttUplink(MqttConfig("127.0.0.1", ENTERPRISE, DEVICE, port=free_port()))
    try:
        with pytest.raises(UplinkError) as caught:
            uplink.submit(1, b"envelope")
        assert caught.value.code == "uplink.mqtt.offline"
    finally:
        uplink.close()


def test_unacknowledged_publishes_stay_below_the_packet_id_space():
    with pytest.raises(UplinkError):
        MqttUplink(MqttConfig("127.0.0.1", ENTERPRISE, DEVICE, max_unacked=70_000))
    assert MqttConfig("h", ENTERPRISE, DEVICE).topic("batches") == (
        f"tanji/{ENTERPRISE}/{DEVICE}/batches"
    )
