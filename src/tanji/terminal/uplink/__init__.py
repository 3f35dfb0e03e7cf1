"""Uplinks to the platform, one dict like the drivers: HTTPS, MQTT and in-memory."""

from __future__ import annotations

from tanji.terminal.uplink.base import Uplink, UplinkBusy, UplinkError, UplinkRefused
from tanji.terminal.uplink.https import HttpsConfig, HttpsUplink
from tanji.terminal.uplink.memory import MemoryUplink
from tanji.terminal.uplink.mqtt import MqttConfig, MqttUplink

#: Uplink kinds selectable in the station file, by name.
UPLINKS: dict[str, type] = {"https": HttpsUplink, "mqtt": MqttUplink, "memory": MemoryUplink}

__all__ = [
    "UPLINKS",
    "HttpsConfig",
    "HttpsUplink",
    "MemoryUplink",
    "MqttConfig",
    "MqttUplink",
    "Uplink",
    "UplinkBusy",
    "UplinkError",
    "UplinkRefused",
]
