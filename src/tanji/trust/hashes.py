"""Tree hashing of RFC 9162 §2.1.1 with the hash of the deployment's suite (SHA-256 or SM3).

``leaf = H(0x00 ‖ d)`` and ``node = H(0x01 ‖ left ‖ right)``: the one-byte prefixes keep leaves
and interior nodes in separate domains, so no leaf can be passed off as a subtree (the second
pre-image attack on plain Merkle trees). The empty tree's root is ``H("")``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from tanji.trust.errors import KeyFormatError

__all__ = ["HASHERS", "SHA256", "SM3", "TreeHasher", "hasher_for"]

_LEAF = b"\x00"
_NODE = b"\x01"


@dataclass(frozen=True)
class TreeHasher:
    """Leaf and node hashing with one hash function; ``digest_size`` is 32 for both suites."""

    name: str
    digest_size: int = 32
    _template: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_template", hashlib.new(self.name))

    def hash(self, data: bytes) -> bytes:
        """The plain hash of ``data``."""
        h = self._template.copy()
        h.update(data)
        digest: bytes = h.digest()
        return digest

    def leaf_hash(self, data: bytes) -> bytes:
        """``H(0x00 ‖ data)`` (RFC 9162 §2.1.1)."""
        h = self._template.copy()
        h.update(_LEAF)
        h.update(data)
        digest: bytes = h.digest()
        return digest

    def node_hash(self, left: bytes, right: bytes) -> bytes:
        """``H(0x01 ‖ left ‖ right)`` (RFC 9162 §2.1.1)."""
        h = self._template.copy()
        h.update(_NODE)
        h.update(left)
        h.update(right)
        digest: bytes = h.digest()
        return digest

    def empty_root(self) -> bytes:
        """The root of the empty tree, ``H("")`` (RFC 9162 §2.1.1)."""
        return self.hash(b"")


SHA256 = TreeHasher("sha256")
SM3 = TreeHasher("sm3")
HASHERS: dict[str, TreeHasher] = {h.name: h for h in (SHA256, SM3)}


def hasher_for(hash_name: str) -> TreeHasher:
    """The tree hasher named ``hash_name`` (a suite's ``hash_name``).

    Raises:
        KeyFormatError: ``trust.unknown_hash`` naming the hashes that exist.
    """
    try:
        return HASHERS[hash_name]
    except KeyError:
        raise KeyFormatError(
            "trust.unknown_hash",
            "unknown tree hash {name!r}; expected one of {expected}",
            name=hash_name,
            expected=", ".join(sorted(HASHERS)),
        ) from None
