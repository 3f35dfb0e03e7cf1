"""The ``ed25519-sha256`` suite: Ed25519 (RFC 8032) through PyNaCl (libsodium), SHA-256.

PyNaCl was chosen over ``cryptography`` because libsodium verifies about twice as fast on this
machine (ADR 0030); libsodium also rejects non-canonical signatures and small-order public keys,
which closes the malleability questions Ed25519 otherwise leaves open. Keys are serialised as
RFC 8410 PKCS#8 / SubjectPublicKeyInfo, whose DER for Ed25519 is a fixed prefix plus 32 bytes.
"""

from __future__ import annotations

import hashlib
import os

from nacl import bindings
from nacl.exceptions import BadSignatureError

from tanji.trust.errors import KeyFormatError
from tanji.trust.suites.base import SignFunction, VerifyFunction
from tanji.trust.suites.pem import PRIVATE_LABEL, PUBLIC_LABEL, pem_encode

#: RFC 8410 §7: PKCS#8 v1 with id-Ed25519 (1.3.101.112), then the 32-byte seed as OCTET STRING.
PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")
#: RFC 8410 §4: SubjectPublicKeyInfo with id-Ed25519, then the 32-byte key as BIT STRING.
SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
KEY_LENGTH = 32


class Ed25519Suite:
    """Ed25519 with SHA-256 as the suite hash (key ids, Merkle tree)."""

    name = "ed25519-sha256"
    hash_name = "sha256"
    signature_length = 64

    def generate(self) -> bytes:
        """A 32-byte seed from ``os.urandom`` (the kernel CSPRNG)."""
        return os.urandom(KEY_LENGTH)

    def check_public(self, public_raw: bytes) -> None:
        """Refuse keys of the wrong length, off the curve or of small order."""
        if len(public_raw) != KEY_LENGTH or not bindings.crypto_core_ed25519_is_valid_point(
            public_raw
        ):
            raise KeyFormatError(
                "trust.public_key_invalid",
                "not a valid Ed25519 public key (expected 32 bytes encoding a prime-order point)",
            )

    def public_from_private(self, private_raw: bytes) -> bytes:
        """The public point of a 32-byte seed."""
        public, _ = bindings.crypto_sign_seed_keypair(_checked_seed(private_raw))
        return bytes(public)

    def signing_function(self, private_raw: bytes) -> SignFunction:
        """Expand the seed once; each call is one libsodium ``crypto_sign``."""
        _, secret = bindings.crypto_sign_seed_keypair(_checked_seed(private_raw))

        def sign(message: bytes) -> bytes:
            return bytes(bindings.crypto_sign(message, secret)[:64])

        return sign

    def verifying_function(self, public_raw: bytes) -> VerifyFunction:
        """Each call is one libsodium ``crypto_sign_open`` (strict verification)."""
        self.check_public(public_raw)

        def verify(message: bytes, signature: bytes) -> bool:
            if len(signature) != self.signature_length:
                return False
            try:
                bindings.crypto_sign_open(signature + message, public_raw)
            except BadSignatureError:
                return False
            return True

        return verify

    def digest(self, data: bytes) -> bytes:
        """SHA-256."""
        return hashlib.sha256(data).digest()

    def private_to_pem(self, private_raw: bytes) -> bytes:
        """RFC 8410 PKCS#8 PEM."""
        return pem_encode(PKCS8_PREFIX + _checked_seed(private_raw), PRIVATE_LABEL)

    def public_to_pem(self, public_raw: bytes) -> bytes:
        """RFC 8410 SubjectPublicKeyInfo PEM."""
        return pem_encode(SPKI_PREFIX + public_raw, PUBLIC_LABEL)

    def private_from_der(self, der: bytes) -> bytes | None:
        """The seed if ``der`` is exactly an RFC 8410 Ed25519 PKCS#8 v1 structure."""
        if len(der) == len(PKCS8_PREFIX) + KEY_LENGTH and der.startswith(PKCS8_PREFIX):
            return der[len(PKCS8_PREFIX) :]
        return None

    def public_from_der(self, der: bytes) -> bytes | None:
        """The point if ``der`` is exactly an RFC 8410 Ed25519 SubjectPublicKeyInfo."""
        if len(der) == len(SPKI_PREFIX) + KEY_LENGTH and der.startswith(SPKI_PREFIX):
            return der[len(SPKI_PREFIX) :]
        return None


def _checked_seed(private_raw: bytes) -> bytes:
    if len(private_raw) != KEY_LENGTH:
        raise KeyFormatError(
            "trust.private_key_invalid",
            "an Ed25519 private key is a 32-byte seed, got {length} bytes",
            length=len(private_raw),
        )
    return private_raw
