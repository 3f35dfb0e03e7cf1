"""MQTT uplink (paho-mqtt): batches to ``tanji/<enterprise>/<device>/batches``.

Receipts come back on ``tanji/<enterprise>/<device>/receipts``, platform-signed commands on
``…/commands``.

paho keeps unsent messages in memory only and its message ids are 16-bit: with about 100k
unacknowledged QoS 1 publishes, 35 % were lost on this machine (docs/performance.md §6). So this
uplink never lets paho queue: it refuses to publish while disconnected (the outbox keeps the
data) and caps publishes awaiting PUBACK at ``max_unacked`` (default 1000, far below 65 535).
A PUBACK only moves the batch one hop; the queue is freed by the platform's receipt.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from tanji.terminal.uplink.base import UplinkBusy, UplinkError

#: Hard ceiling from the 16-bit MQTT packet identifier.
PACKET_ID_SPACE = 65_535


@dataclass(frozen=True)
class MqttConfig:
    """Broker and topics of one terminal."""

    host: str
    enterprise: str
    device: str
    port: int = 8883
    ca_file: Path | None = None
    username: str | None = None
    password: str | None = None
    keepalive_s: int = 60
    max_unacked: int = 1000

    def topic(self, leaf: str) -> str:
        """``tanji/<enterprise>/<device>/<leaf>``."""
        return f"tanji/{self.enterprise}/{self.device}/{leaf}"


class MqttUplink:
    """A paho client on its own network thread, reconnecting by itself."""

    def __init__(self, config: MqttConfig) -> None:
        if not 0 < config.max_unacked < PACKET_ID_SPACE:
            raise UplinkError(
                "uplink.mqtt.max_unacked",
                "max_unacked must be 1–65534, got {n}",
                n=config.max_unacked,
            )
        self.config = config
        self._lock = threading.Lock()
        self._unacked: set[int] = set()
        self._early: set[int] = set()
        self._receipts: deque[bytes] = deque()
        self._commands: deque[bytes] = deque(maxlen=100)
        self._connected = threading.Event()
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=config.device,
            protocol=mqtt.MQTTv311,
            clean_session=False,
        )
        client.max_queued_messages_set(config.max_unacked)
        client.max_inflight_messages_set(min(100, config.max_unacked))
        client.reconnect_delay_set(min_delay=1, max_delay=120)
        if config.ca_file is not None:
            client.tls_set(ca_certs=str(config.ca_file))
        if config.username:
            client.username_pw_set(config.username, config.password)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish
        client.on_message = self._on_message
        client.connect_async(config.host, config.port, keepalive=config.keepalive_s)
        client.loop_start()
        self._client = client

    @property
    def awaiting_puback(self) -> int:
        """Publishes sent and not yet acknowledged by the broker."""
        with self._lock:
            return len(self._unacked)

    def wait_connected(self, timeout_s: float) -> bool:
        """Block until the broker accepted the connection (or the timeout passed)."""
        return self._connected.wait(timeout_s)

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if not reason.is_failure:
            client.subscribe(
                [(self.config.topic("receipts"), 1), (self.config.topic("commands"), 1)]
            )
            self._connected.set()

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, _r: Any, _p: Any) -> None:
        self._connected.clear()
        with self._lock:
            self._unacked.clear()  # not acknowledged by the hop: the outbox resends them
            self._early.clear()

    def _on_publish(self, _c: mqtt.Client, _u: Any, mid: int, _r: Any, _p: Any) -> None:
        with self._lock:
            if mid in self._unacked:
                self._unacked.discard(mid)
            else:  # PUBACK before _publish recorded the mid
                self._early.add(mid)

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        target = self._commands if message.topic.endswith("/commands") else self._receipts
        target.append(bytes(message.payload))

    def _publish(self, leaf: str, body: bytes, qos: int) -> None:
        if not self._connected.is_set():
            raise UplinkError(
                "uplink.mqtt.offline",
                "not connected to {host}:{port}",
                host=self.config.host,
                port=self.config.port,
            )
        with self._lock:
            if len(self._unacked) >= self.config.max_unacked:
                raise UplinkBusy(
                    "uplink.mqtt.busy", "{n} publishes await PUBACK", n=len(self._unacked)
                )
        # Never hold our lock while calling paho: its network thread takes paho's locks and
        # then ours (in _on_publish); holding both in the other order deadlocks.
        info = self._client.publish(self.config.topic(leaf), body, qos=qos)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise UplinkError(
                "uplink.mqtt.publish", "publish failed: {error}", error=mqtt.error_string(info.rc)
            )
        if qos:
            with self._lock:
                if info.mid in self._early:
                    self._early.discard(info.mid)
                else:
                    self._unacked.add(info.mid)

    def submit(self, seq: int, envelope: bytes) -> None:
        """Publish the envelope with QoS 1."""
        self._publish("batches", envelope, qos=1)

    def receipts(self) -> list[bytes]:
        """Receipts delivered on the receipts topic."""
        out = []
        while self._receipts:
            out.append(self._receipts.popleft())
        return out

    def commands(self) -> list[bytes]:
        """Command envelopes delivered on the commands topic."""
        out = []
        while self._commands:
            out.append(self._commands.popleft())
        return out

    def heartbeat(self, document: bytes) -> None:
        """Publish a health report (QoS 1 like batches, so every PUBACK is accounted for)."""
        self._publish("health", document, qos=1)

    def close(self) -> None:
        """Disconnect and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()
