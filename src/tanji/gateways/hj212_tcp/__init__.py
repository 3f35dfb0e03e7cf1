"""HJ 212 TCP gateway: many data-acquisition devices, each frame stored before it is answered.

Public surface: :class:`Hj212Server`, the contracts it needs (:class:`DeviceRegistry`,
:class:`FrameSink`, :class:`Device`, :class:`Hj212Upload`), :class:`GatewayLimits`, and a
static registry for tests and the demo.
"""

from tanji.gateways.hj212_tcp.contracts import (
    Device,
    DeviceRegistry,
    FrameSink,
    Hj212Upload,
    InMemoryRegistry,
    RegisteredDevice,
)
from tanji.gateways.hj212_tcp.limits import GatewayLimits, TokenBucket
from tanji.gateways.hj212_tcp.server import Hj212Server

__all__ = [
    "Device",
    "DeviceRegistry",
    "FrameSink",
    "GatewayLimits",
    "Hj212Server",
    "Hj212Upload",
    "InMemoryRegistry",
    "RegisteredDevice",
    "TokenBucket",
]
