"""The interface every signature suite implements, so keys, envelopes and notes stay suite-free.

A suite fixes a signature algorithm *and* a hash: ``ed25519-sha256`` (Ed25519 per RFC 8032,
SHA-256) and ``sm2-sm3`` (SM2 per GM/T 0003 / GB/T 32918 with SM3 per GM/T 0004 / GB/T 32905).
The hash names the log's tree hash and the key id, so one deployment speaks one suite end to end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

#: ``sign(message) -> signature`` of one prepared private key.
SignFunction = Callable[[bytes], bytes]
#: ``verify(message, signature) -> bool`` of one prepared public key.
VerifyFunction = Callable[[bytes, bytes], bool]


class Suite(Protocol):
    """One signature algorithm with its hash.

    Raw key bytes are the suite's canonical encodings: Ed25519 keys are the 32-byte seed and the
    32-byte public point (RFC 8032); SM2 keys are the 32-byte scalar and the 65-byte uncompressed
    point ``04‖x‖y`` (GB/T 32918.1 §4.2.9). Signatures are fixed-length: 64 bytes in both suites
    (SM2 as ``r‖s``, each 32 bytes big-endian) so that envelopes and notes need no DER.
    """

    name: str
    hash_name: str
    signature_length: int

    def generate(self) -> bytes:
        """Return fresh private key bytes from the operating system's CSPRNG."""
        ...

    def check_public(self, public_raw: bytes) -> None:
        """Raise ``KeyFormatError`` unless ``public_raw`` is a valid key of this suite."""
        ...

    def public_from_private(self, private_raw: bytes) -> bytes:
        """Derive the raw public key of ``private_raw``."""
        ...

    def signing_function(self, private_raw: bytes) -> SignFunction:
        """Prepare ``private_raw`` once and return ``sign(message) -> signature``.

        Preparing (expanding the seed, loading the EC key) costs as much as a signature, so keys
        keep the returned function instead of passing raw bytes on every call.
        """
        ...

    def verifying_function(self, public_raw: bytes) -> VerifyFunction:
        """Prepare ``public_raw`` once; the function never raises on a bad signature."""
        ...

    def digest(self, data: bytes) -> bytes:
        """The suite's hash of ``data`` (SHA-256 or SM3, 32 bytes)."""
        ...

    def private_to_pem(self, private_raw: bytes) -> bytes:
        """PKCS#8 PEM of a private key."""
        ...

    def public_to_pem(self, public_raw: bytes) -> bytes:
        """SubjectPublicKeyInfo PEM of a public key."""
        ...

    def private_from_der(self, der: bytes) -> bytes | None:
        """Raw private key from PKCS#8 DER, or ``None`` if the DER is not this suite's."""
        ...

    def public_from_der(self, der: bytes) -> bytes | None:
        """Raw public key from SubjectPublicKeyInfo DER, or ``None`` if not this suite's."""
        ...
