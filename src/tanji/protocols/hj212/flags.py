"""The ``Flag`` field: protocol version bits, split bit D and acknowledgement bit A.

HJ 212-2017 §6.3.3 Table 4: ``Flag`` is a decimal byte ``V5 V4 V3 V2 V1 V0 D A``. The version
(V5–V0) is 0 for HJ/T 212-2005 and 1 for HJ 212-2017; third-party parsers use 2 for HJ 212-2025
(unverified, see ADR 0040). The version is never hard-wired: callers pass which versions they
accept and which one they emit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tanji.protocols.hj212.errors import Hj212Error


class ProtocolVersion(enum.IntEnum):
    """Values of the Flag version bits V5–V0."""

    HJ212_2005 = 0
    HJ212_2017 = 1
    HJ212_2025 = 2


#: Versions a receiver accepts unless told otherwise: 2017, and 2025 read with the 2017 rules.
DEFAULT_VERSIONS: frozenset[ProtocolVersion] = frozenset(
    {ProtocolVersion.HJ212_2017, ProtocolVersion.HJ212_2025}
)


@dataclass(frozen=True, slots=True)
class Flags:
    """The decoded ``Flag`` byte.

    Attributes:
        version: protocol version bits V5–V0.
        split: D — the message is one packet of several (PNUM/PNO present).
        ack: A — the receiver must answer (9014 for data, 9011 for requests).
    """

    version: ProtocolVersion = ProtocolVersion.HJ212_2017
    split: bool = False
    ack: bool = False

    def encode(self) -> int:
        """The Flag byte value."""
        return (int(self.version) << 2) | (int(self.split) << 1) | int(self.ack)

    @classmethod
    def decode(cls, text: str, versions: frozenset[ProtocolVersion]) -> Flags:
        """Decode the decimal ``Flag`` text, rejecting versions not in ``versions``.

        Raises:
            Hj212Error: ``hj212.flag.syntax`` or ``hj212.flag.version``.
        """
        if not (text.isascii() and text.isdigit() and len(text) <= 3 and int(text) <= 255):
            raise Hj212Error(
                "hj212.flag.syntax", "Flag={value!r} is not a decimal number 0–255", value=text
            )
        value = int(text)
        bits = value >> 2
        accepted = sorted(int(v) for v in versions)
        if bits not in accepted:
            raise Hj212Error(
                "hj212.flag.version",
                "Flag={value} has version bits {bits}; accepted versions are {accepted}",
                value=value,
                bits=bits,
                accepted=accepted,
            )
        return cls(ProtocolVersion(bits), bool(value & 2), bool(value & 1))
