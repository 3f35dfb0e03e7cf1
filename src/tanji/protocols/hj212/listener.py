"""What a terminal's HJ 212 listener takes when its configuration does not say.

One place for the terminal's driver (which listens) and the platform's acquisition checks (which
must know where two instruments would share a listener, ADR 0226/0260).
"""

from __future__ import annotations

__all__ = ["LISTENER_HOST", "LISTENER_PORT", "UPLOAD_COMMANDS"]

#: Every interface: the plant LAN side of the terminal.
LISTENER_HOST = "0.0.0.0"
LISTENER_PORT = 9212
#: The data uploads an instrument may take: real-time 2011, minute 2051, hour 2061 (§6.6).
UPLOAD_COMMANDS = frozenset({2011, 2051, 2061})
