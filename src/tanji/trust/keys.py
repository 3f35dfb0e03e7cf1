"""Signing keys: generate, serialise, load, and a :class:`Signer` protocol an HSM can implement.

A key belongs to one suite (:mod:`tanji.trust.suites`). Its **key id** is the lowercase hex of
the suite hash of ``suite name ‖ 0x00 ‖ raw public key``: binding the suite into the id means
the same bytes can never be read as a key of another algorithm. Private keys live in files or in
the environment (read by :mod:`tanji.config`), never in the database; the platform stores public
keys and key ids only. Anything that signs is a :class:`Signer`, so a PKCS#11 / SDF (GM/T 0018)
module can replace :class:`PrivateKey` without touching envelopes or checkpoints.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from tanji.trust.errors import KeyFormatError
from tanji.trust.suites import DEFAULT_SUITE, SUITES, Suite, VerifyFunction, get_suite
from tanji.trust.suites.base import SignFunction
from tanji.trust.suites.pem import PRIVATE_LABEL, PUBLIC_LABEL, pem_decode

__all__ = [
    "PrivateKey",
    "PublicKey",
    "Signer",
    "generate_private_key",
    "key_id_of",
    "load_private_key",
    "load_private_key_file",
    "load_public_key",
    "private_key_from_setting",
]


@runtime_checkable
class Signer(Protocol):
    """Whatever signs: an in-memory :class:`PrivateKey` or a hardware module.

    ``sign`` receives the exact bytes to sign (for DSSE the PAE, for notes the note text) and
    returns the suite's fixed-length signature.
    """

    @property
    def key_id(self) -> str:
        """The key id of the public key (see :func:`key_id_of`)."""
        ...

    @property
    def suite(self) -> str:
        """The suite name, e.g. ``ed25519-sha256``."""
        ...

    def sign(self, message: bytes) -> bytes:
        """Sign ``message``."""
        ...


def key_id_of(suite: Suite, public_raw: bytes) -> str:
    """The key id: hex of ``H_suite(suite name ‖ 0x00 ‖ public key)`` (see module docstring)."""
    return suite.digest(suite.name.encode("ascii") + b"\x00" + public_raw).hex()


@dataclass(frozen=True, eq=False)
class PublicKey:
    """A verification key of one suite; equal when suite and raw bytes are equal."""

    suite: str
    raw: bytes
    key_id: str = field(init=False)
    _verify: VerifyFunction = field(init=False, repr=False)

    def __post_init__(self) -> None:
        impl = get_suite(self.suite)
        impl.check_public(self.raw)
        object.__setattr__(self, "key_id", key_id_of(impl, self.raw))
        object.__setattr__(self, "_verify", impl.verifying_function(self.raw))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return (self.suite, self.raw) == (other.suite, other.raw)

    def __hash__(self) -> int:
        return hash((self.suite, self.raw))

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``; never raises."""
        return self._verify(message, signature)

    def to_pem(self) -> bytes:
        """SubjectPublicKeyInfo PEM."""
        return get_suite(self.suite).public_to_pem(self.raw)


@dataclass(frozen=True, eq=False, repr=False)
class PrivateKey:
    """A private key held in memory; its ``repr`` never shows the secret."""

    suite: str
    raw: bytes
    _public: PublicKey = field(init=False)
    _sign: SignFunction = field(init=False)

    def __post_init__(self) -> None:
        impl = get_suite(self.suite)
        object.__setattr__(
            self, "_public", PublicKey(self.suite, impl.public_from_private(self.raw))
        )
        object.__setattr__(self, "_sign", impl.signing_function(self.raw))

    def __repr__(self) -> str:
        return f"PrivateKey(suite={self.suite!r}, key_id={self._public.key_id!r})"

    @property
    def key_id(self) -> str:
        """The key id of the public key."""
        return self._public.key_id

    def public_key(self) -> PublicKey:
        """The matching public key."""
        return self._public

    def sign(self, message: bytes) -> bytes:
        """Sign ``message`` with the suite's algorithm."""
        return self._sign(message)

    def signer(self) -> Signer:
        """This key as a :class:`Signer` (it is one; the method keeps call sites HSM-agnostic)."""
        return self

    def to_pem(self) -> bytes:
        """Unencrypted PKCS#8 PEM: protect the file (owner-only) or the variable that holds it."""
        return get_suite(self.suite).private_to_pem(self.raw)


def generate_private_key(suite: str = DEFAULT_SUITE) -> PrivateKey:
    """A fresh key of ``suite`` from the operating system's CSPRNG."""
    return PrivateKey(suite, get_suite(suite).generate())


def load_private_key(pem: bytes) -> PrivateKey:
    """Load a PKCS#8 PEM private key of any known suite (the DER names the algorithm).

    Raises:
        KeyFormatError: ``trust.pem_malformed`` or ``trust.unsupported_key``.
    """
    der = pem_decode(pem, PRIVATE_LABEL)
    return PrivateKey(*_identify("private", lambda suite: suite.private_from_der(der)))


def load_public_key(pem: bytes) -> PublicKey:
    """Load a SubjectPublicKeyInfo PEM public key of any known suite.

    Raises:
        KeyFormatError: ``trust.pem_malformed``, ``trust.unsupported_key`` or
            ``trust.public_key_invalid``.
    """
    der = pem_decode(pem, PUBLIC_LABEL)
    return PublicKey(*_identify("public", lambda suite: suite.public_from_der(der)))


def _identify(kind: str, raw_of: Callable[[Suite], bytes | None]) -> tuple[str, bytes]:
    """The first suite whose DER parser takes the key, and the raw key (the DER names the suite).

    Raises:
        KeyFormatError: ``trust.unsupported_key`` when no suite takes it.
    """
    for name, impl in SUITES.items():
        raw = raw_of(impl)
        if raw is not None:
            return name, raw
    raise KeyFormatError(
        "trust.unsupported_key",
        "the " + kind + " key is neither Ed25519 (RFC 8410) nor SM2; expected one of {expected}",
        expected=", ".join(sorted(SUITES)),
    )


def load_private_key_file(path: Path) -> PrivateKey:
    """Load a PEM private key file, refusing files that others can read (like OpenSSH does).

    Raises:
        KeyFormatError: ``trust.key_file_unreadable`` or ``trust.key_file_permissions``.
    """
    try:
        mode = path.stat().st_mode
        pem = path.read_bytes()
    except OSError as exc:
        raise KeyFormatError(
            "trust.key_file_unreadable",
            "cannot read key file {path}: {reason}",
            path=str(path),
            reason=exc.strerror or str(exc),
        ) from None
    if mode & 0o077:
        raise KeyFormatError(
            "trust.key_file_permissions",
            "key file {path} is accessible by group or others (mode {mode:o}); chmod 600 it",
            path=str(path),
            mode=mode & 0o777,
        )
    return load_private_key(pem)


def private_key_from_setting(value: str) -> PrivateKey:
    """Load a key handed over in a setting: PEM text, or the PEM base64-encoded on one line.

    Environment variables carry newlines badly, so the one-line form is accepted too. The value
    comes from :mod:`tanji.config` (the only reader of the environment).
    """
    text = value.strip()
    if text.startswith("-----BEGIN"):
        return load_private_key(text.encode("ascii", "replace"))
    try:
        pem = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise KeyFormatError(
            "trust.pem_malformed",
            "the key setting is neither PEM nor base64-encoded PEM ({label})",
            label=PRIVATE_LABEL,
        ) from None
    return load_private_key(pem)
