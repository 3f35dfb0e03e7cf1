"""The ``sm2-sm3`` suite: SM2 signatures (GM/T 0003.2 / GB/T 32918.2) with SM3 (GM/T 0004).

Signing and verifying go through tongsuopy, the Python binding of Tongsuo (the OpenSSL fork of
the Ant group maintained for the Chinese commercial algorithms), at about 2.5k verifications per
second; the pure-Python libraries reach < 200/s (ADR 0030). Tongsuo's ``EVP_DigestSign`` on an
SM2 key computes ``e = SM3(Z_A ‖ M)`` with the default user ID ``1234567812345678`` of
GB/T 35276-2017 §10 / GM/T 0009; a test re-verifies its signatures with an independent
pure-Python SM2 verifier to pin that behaviour. Signatures travel as fixed 64-byte ``r‖s``
(GM/T 0009 allows it); the DER ``SEQUENCE { r, s }`` Tongsuo speaks is converted here.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature, UnsupportedAlgorithm

from tanji.trust.errors import KeyFormatError
from tanji.trust.suites.base import SignFunction, VerifyFunction

#: Order n of the SM2 recommended curve (GB/T 32918.5 §A.2 / GM/T 0003.5).
CURVE_ORDER = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
#: The default user ID of GB/T 35276-2017 §10, used when computing Z_A.
DEFAULT_USER_ID = b"1234567812345678"
SCALAR_LENGTH = 32
POINT_LENGTH = 65
_SM3_TEMPLATE = hashlib.new("sm3")


class Sm2Suite:
    """SM2 with SM3 as both the signature digest and the suite hash."""

    name = "sm2-sm3"
    hash_name = "sm3"
    signature_length = 64

    def generate(self) -> bytes:
        """A scalar d uniformly in [1, n − 2] (GB/T 32918.1 §6.1) from ``os.urandom``."""
        while True:
            d = int.from_bytes(os.urandom(SCALAR_LENGTH), "big")
            if 1 <= d <= CURVE_ORDER - 2:
                return d.to_bytes(SCALAR_LENGTH, "big")

    def check_public(self, public_raw: bytes) -> None:
        """Refuse anything but an uncompressed point on the SM2 curve."""
        _load_public(public_raw)

    def public_from_private(self, private_raw: bytes) -> bytes:
        """The uncompressed point ``04‖x‖y`` of d·G."""
        key = _load_private(private_raw)
        point: bytes = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return point

    def signing_function(self, private_raw: bytes) -> SignFunction:
        """Load the EC key once; each call signs SM3(Z_A ‖ message) and returns ``r‖s``."""
        key = _load_private(private_raw)
        algorithm = ec.ECDSA(hashes.SM3())

        def sign(message: bytes) -> bytes:
            return der_to_raw(key.sign(message, algorithm))

        return sign

    def verifying_function(self, public_raw: bytes) -> VerifyFunction:
        """Load the point once; each call verifies an ``r‖s`` signature."""
        key = _load_public(public_raw)
        algorithm = ec.ECDSA(hashes.SM3())

        def verify(message: bytes, signature: bytes) -> bool:
            der = raw_to_der(signature)
            if der is None:
                return False
            try:
                key.verify(der, message, algorithm)
            except InvalidSignature:
                return False
            return True

        return verify

    def digest(self, data: bytes) -> bytes:
        """SM3 (GB/T 32905-2016) through hashlib, copying a prepared context."""
        h = _SM3_TEMPLATE.copy()
        h.update(data)
        return h.digest()

    def private_to_pem(self, private_raw: bytes) -> bytes:
        """PKCS#8 PEM (id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301)."""
        pem: bytes = _load_private(private_raw).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return pem

    def public_to_pem(self, public_raw: bytes) -> bytes:
        """SubjectPublicKeyInfo PEM."""
        pem: bytes = _load_public(public_raw).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem

    def private_from_der(self, der: bytes) -> bytes | None:
        """The scalar if ``der`` is an SM2 PKCS#8 key, else ``None``.

        tongsuopy loads SM2 keys only (others raise); the curve check guards against a future
        version that loads more.
        """
        try:
            key = serialization.load_der_private_key(der, password=None)
            value: int | None = (
                key.private_numbers().private_value if key.curve.name == "SM2" else None
            )
        except (ValueError, TypeError, AttributeError, UnsupportedAlgorithm):
            return None
        return None if value is None else value.to_bytes(SCALAR_LENGTH, "big")

    def public_from_der(self, der: bytes) -> bytes | None:
        """The uncompressed point if ``der`` is an SM2 SubjectPublicKeyInfo, else ``None``."""
        try:
            key = serialization.load_der_public_key(der)
            point: bytes | None = (
                key.public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
                )
                if key.curve.name == "SM2"
                else None
            )
        except (ValueError, TypeError, AttributeError, UnsupportedAlgorithm):
            return None
        return point


def _load_private(private_raw: bytes) -> Any:
    d = int.from_bytes(private_raw, "big")
    if len(private_raw) != SCALAR_LENGTH or not 1 <= d <= CURVE_ORDER - 2:
        raise KeyFormatError(
            "trust.private_key_invalid",
            "an SM2 private key is a 32-byte scalar in [1, n-2] (GB/T 32918.1 §6.1)",
        )
    return ec.derive_private_key(d, ec.SM2())


def _load_public(public_raw: bytes) -> Any:
    if len(public_raw) != POINT_LENGTH or public_raw[0] != 0x04:
        raise KeyFormatError(
            "trust.public_key_invalid",
            "an SM2 public key is a 65-byte uncompressed point 04‖x‖y, got {length} bytes",
            length=len(public_raw),
        )
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), public_raw)
    except ValueError:
        raise KeyFormatError(
            "trust.public_key_invalid", "the SM2 public key is not a point on the SM2 curve"
        ) from None


def der_to_raw(der: bytes) -> bytes:
    """Convert Tongsuo's DER ``SEQUENCE { INTEGER r, INTEGER s }`` to 64-byte ``r‖s``."""
    r, rest = _der_integer(der[2:] if der[1] < 0x80 else der[3:])
    s, _ = _der_integer(rest)
    return r.to_bytes(SCALAR_LENGTH, "big") + s.to_bytes(SCALAR_LENGTH, "big")


def raw_to_der(raw: bytes) -> bytes | None:
    """Convert ``r‖s`` to minimal DER, or ``None`` if either half is outside [1, n − 1]."""
    if len(raw) != 2 * SCALAR_LENGTH:
        return None
    r = int.from_bytes(raw[:SCALAR_LENGTH], "big")
    s = int.from_bytes(raw[SCALAR_LENGTH:], "big")
    if not (0 < r < CURVE_ORDER and 0 < s < CURVE_ORDER):
        return None
    body = _der_int_bytes(r) + _der_int_bytes(s)
    return bytes([0x30, len(body)]) + body  # at most 2 × 35 bytes: short-form length


def _der_int_bytes(value: int) -> bytes:
    """Minimal DER INTEGER of a positive value.

    ``bit_length // 8 + 1`` bytes is exactly the minimal two's-complement length: a leading 0x00
    appears only when the top bit of the highest byte is set.
    """
    content = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return bytes([0x02, len(content)]) + content


def _der_integer(data: bytes) -> tuple[int, bytes]:
    if data[0] != 0x02:
        raise KeyFormatError("trust.signature_der", "SM2 signature DER: expected an INTEGER")
    length = data[1]
    return int.from_bytes(data[2 : 2 + length], "big"), data[2 + length :]
