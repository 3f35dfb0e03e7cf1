"""The platform's MQTT subscriber: terminal batches in, signed receipts out (uplink contract).

Topics ``tanji/<enterprise>/<device>/batches`` (QoS 1) and ``…/health`` (QoS 0) are read with a
persistent session and **manual acknowledgement**: the PUBACK of a batch is sent only after the
pipeline committed it (or quarantined it), so a platform crash before the commit makes the
broker deliver it again. The network thread only queues batches on a
:class:`~tanji.ingest.committer.Committer`, which commits what arrived meanwhile as one group
and then, in arrival order, publishes each receipt and sends each PUBACK (ADR 0151).
The receipt is published on ``…/receipts`` (QoS 1) after the commit.
The broker's per-device username and ACL (``deploy/mosquitto/``) make sure a device can publish
only under its own topic; the pipeline checks again that the topic's enterprise and device are
the signer's.
"""

from __future__ import annotations

import logging
import ssl
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from tanji.errors import CodedError
from tanji.ingest.committer import Committer
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import Outcome, ingest, received_now, release_connection
from tanji.ingest.terminals import record_heartbeat

__all__ = ["MqttIntake", "MqttSettings", "parse_topic"]

logger = logging.getLogger(__name__)
BATCHES, HEALTH = "tanji/+/+/batches", "tanji/+/+/health"


@dataclass(frozen=True)
class MqttSettings:
    """Where and how the subscriber connects."""

    host: str = "127.0.0.1"
    port: int = 1883
    client_id: str = "tanji-platform"
    username: str = ""
    password: str = ""
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""


def parse_topic(topic: str) -> tuple[str, str, str] | None:
    """``(enterprise, device, kind)`` of a ``tanji/<e>/<d>/<kind>`` topic, else ``None``."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[0] != "tanji" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2], parts[3]


class MqttIntake:
    """Subscribes, runs each batch through the pipeline, publishes receipts."""

    def __init__(self, settings: MqttSettings) -> None:
        self.settings = settings
        self.processed = 0
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=settings.client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
        )
        client.manual_ack_set(True)
        if settings.username:
            client.username_pw_set(settings.username, settings.password or None)
        if settings.ca_file:
            client.tls_set(
                ca_certs=settings.ca_file,
                certfile=settings.cert_file or None,
                keyfile=settings.key_file or None,
                tls_version=ssl.PROTOCOL_TLS_CLIENT,
            )
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        client.on_disconnect = self._on_disconnect
        self.client = client
        self.committer: Committer | None = None
        self._stopping = False

    def start(self) -> None:
        """Connect and process messages on paho's network thread."""
        self.committer = Committer()
        self.client.connect(self.settings.host, self.settings.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        """Stop taking batches, commit and acknowledge the queued ones, then disconnect.

        A batch arriving meanwhile is left unacknowledged: the broker redelivers it to the
        persistent session later, and the pipeline answers it as a duplicate if it was stored.
        """
        self._stopping = True
        if self.committer is not None:
            self.committer.close()  # its PUBACKs and receipts go out on the running network loop
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            logger.error("mqtt connection refused: %s", reason)
            return
        client.subscribe([(BATCHES, 1), (HEALTH, 0)])

    def _on_disconnect(self, *_: Any) -> None:
        release_connection()  # the network thread's database connection

    def _on_message(self, client: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        topic, payload = message.topic, bytes(message.payload)
        parsed = parse_topic(topic)
        if parsed is None or parsed[2] != "batches" or self.committer is None:
            self._handled(client, message, lambda: self.handle(topic, payload))
            return
        enterprise, device, _ = parsed
        if self._stopping:
            return  # unacknowledged: redelivered to the next subscriber session

        def answered(done: Future[Outcome]) -> None:  # on the committer's thread, in order
            try:
                outcome = done.result()
            except Exception:  # not durable: leave it unacknowledged, the broker redelivers
                logger.exception("mqtt message on %s not processed", message.topic)
                return
            client.ack(message.mid, message.qos)  # durable: PUBACK first, then the receipt
            self.processed += 1
            if outcome.receipt:
                client.publish(f"tanji/{enterprise}/{device}/receipts", outcome.receipt, qos=1)

        try:
            future = self.committer.submit(_submission(enterprise, device, payload))
        except RuntimeError:  # closed while stopping: unacknowledged, redelivered later
            return
        future.add_done_callback(answered)

    def _handled(self, client: mqtt.Client, message: mqtt.MQTTMessage, work: Any) -> None:
        """Run ``work``; acknowledge the message only when it succeeded (else: redelivery)."""
        try:
            work()
        except Exception:  # not durable: leave it unacknowledged, the broker redelivers
            logger.exception("mqtt message on %s not processed", message.topic)
            return
        client.ack(message.mid, message.qos)
        self.processed += 1

    def handle(self, topic: str, payload: bytes) -> Outcome | None:
        """Process one message synchronously (health reports; tests may call it too)."""
        parsed = parse_topic(topic)
        if parsed is None:
            logger.warning("mqtt message on unexpected topic %s ignored", topic)
            return None
        enterprise, device, kind = parsed
        if kind == "health":
            try:
                record_heartbeat(payload, device, received_now())
            except CodedError as error:
                logger.warning("heartbeat of %s refused: %s", device, error.code)
            return None
        outcome = ingest(_submission(enterprise, device, payload))
        if outcome.receipt:
            self.client.publish(f"tanji/{enterprise}/{device}/receipts", outcome.receipt, qos=1)
        return outcome


def _submission(enterprise: str, device: str, payload: bytes) -> Submission:
    return Submission(
        body=payload,
        channel="mqtt",
        received_at=received_now(),
        device_id=device,
        enterprise_ref=enterprise,
    )
