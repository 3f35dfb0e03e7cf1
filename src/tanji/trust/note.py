r"""C2SP ``signed-note``: text signed by one or more named keys (the carrier of checkpoints).

Format (c2sp.org/signed-note): the text (UTF-8, no control characters but newline, ending in a
newline), a blank line, then lines ``— <key name> <base64(4-byte key ID ‖ signature)>``. The key
ID is ``SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]``. Types used here:

* ``0x01`` Ed25519 (as specified; interoperable with Go's ``sumdb/note``);
* ``0x04`` timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature, see :mod:`checkpoint`);
* ``0xff`` followed by ``tanji/sm2-sm3\n`` — SM2 with SM3 and Z_A of the default user ID, a
  64-byte ``r‖s`` signature over the note text; ``0xff`` is the range the spec reserves for
  types it does not assign, the suffix keeps our identifier from colliding (ADR 0033);
* ``0xff`` + ``tanji/sm2-sm3-cosignature/v1\n`` — the SM2 analogue of ``0x04``.

Verification follows the spec: signatures whose (name, key ID) is unknown are ignored, a known
key's failing signature rejects the note, and a note with no verified signature is rejected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tanji.trust.errors import CheckpointError, SignatureError
from tanji.trust.keys import PublicKey, Signer

__all__ = [
    "ED25519_TYPE",
    "SM2_TYPE",
    "Note",
    "NoteSignature",
    "NoteVerifier",
    "format_note",
    "note_key_hash",
    "note_type_for",
    "open_note",
    "parse_note",
    "parse_verifier_key",
    "sign_note",
    "signer_public_key",
    "verifier_key",
]

ED25519_TYPE = b"\x01"
ED25519_COSIGNATURE_TYPE = b"\x04"
SM2_TYPE = b"\xfftanji/sm2-sm3\n"
SM2_COSIGNATURE_TYPE = b"\xfftanji/sm2-sm3-cosignature/v1\n"
MAX_SIGNATURES = 32
_SIG_PREFIX = "— "
_TYPES = {
    (ED25519_TYPE, "ed25519-sha256"),
    (ED25519_COSIGNATURE_TYPE, "ed25519-sha256"),
    (SM2_TYPE, "sm2-sm3"),
    (SM2_COSIGNATURE_TYPE, "sm2-sm3"),
}


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, 4-byte key ID, signature bytes (after the key ID)."""

    name: str
    key_hash: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    """A note text (ending in a newline) and its signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted (name, key, type): the unit the spec configures verifiers with."""

    name: str
    key: PublicKey
    type: bytes

    @property
    def key_hash(self) -> bytes:
        """The 4-byte key ID of this (name, type, key)."""
        return note_key_hash(self.name, self.type, self.key.raw)


def note_type_for(suite: str, *, cosignature: bool = False) -> bytes:
    """The signature type bytes of ``suite`` (plain note signature or cosignature)."""
    for type_bytes, name in sorted(_TYPES):
        is_cosig = type_bytes in (ED25519_COSIGNATURE_TYPE, SM2_COSIGNATURE_TYPE)
        if name == suite and is_cosig == cosignature:
            return type_bytes
    raise CheckpointError(
        "trust.note_type", "no note signature type for suite {suite}", suite=suite
    )


def note_key_hash(name: str, type_bytes: bytes, public_raw: bytes) -> bytes:
    """``SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]`` (c2sp.org/signed-note)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + type_bytes + public_raw).digest()[:4]


def verifier_key(verifier: NoteVerifier) -> str:
    """The ``name+hex(key ID)+base64(type ‖ key)`` string (Go ``sumdb/note`` verifier key)."""
    material = base64.b64encode(verifier.type + verifier.key.raw).decode("ascii")
    return f"{verifier.name}+{verifier.key_hash.hex()}+{material}"


def parse_verifier_key(text: str) -> NoteVerifier:
    """Parse a verifier key string, checking that its key ID matches its contents.

    Raises:
        CheckpointError: ``trust.verifier_key`` naming what is wrong.
    """
    name, sep, rest = text.partition("+")
    hash_hex, sep2, material = rest.partition("+")
    try:
        raw = base64.b64decode(material, validate=True)
        key_hash = bytes.fromhex(hash_hex)
    except (binascii.Error, ValueError):
        raw, key_hash = b"", b""
    if not (sep and sep2 and _valid_name(name) and len(hash_hex) == 8 and len(key_hash) == 4):
        raise CheckpointError(
            "trust.verifier_key", "verifier key is not name+hash+key: {text!r}", text=text
        )
    for type_bytes, suite in _TYPES:
        if raw.startswith(type_bytes):
            verifier = NoteVerifier(name, PublicKey(suite, raw[len(type_bytes) :]), type_bytes)
            if verifier.key_hash != key_hash:
                break
            return verifier
    raise CheckpointError(
        "trust.verifier_key", "verifier key {name!r}: unknown type or key ID mismatch", name=name
    )


def parse_note(data: bytes) -> Note:
    """Split a signed note into text and signature lines, strictly.

    Raises:
        CheckpointError: ``trust.note_malformed`` with the reason.
    """
    try:
        whole = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("the note is not UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in whole):
        raise _malformed("the note contains a control character other than newline")
    text, sep, block = whole.rpartition("\n\n")
    if not sep or not block.endswith("\n"):
        raise _malformed("expected text, a blank line and newline-terminated signature lines")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise _malformed(f"more than {MAX_SIGNATURES} signature lines")
    return Note(text + "\n", tuple(_parse_signature_line(line) for line in lines))


def format_note(note: Note) -> bytes:
    """The note's wire bytes (text, blank line, signature lines)."""
    lines = [
        f"{_SIG_PREFIX}{s.name} {base64.b64encode(s.key_hash + s.signature).decode('ascii')}\n"
        for s in note.signatures
    ]
    return (note.text + "\n" + "".join(lines)).encode("utf-8")


def sign_note(
    text: str,
    name: str,
    signer: Signer,
    existing: Sequence[NoteSignature] = (),
    *,
    public_key: PublicKey | None = None,
) -> Note:
    """Sign ``text`` as key ``name`` with the plain note type of the signer's suite."""
    check_note_text(text)
    type_bytes = note_type_for(signer.suite)
    public_raw = signer_public_key(signer, public_key).raw
    signature = NoteSignature(
        name, note_key_hash(name, type_bytes, public_raw), signer.sign(text.encode("utf-8"))
    )
    return Note(text, (*existing, signature))


def open_note(note: Note, verifiers: Iterable[NoteVerifier]) -> list[NoteVerifier]:
    """Verify ``note`` per the spec; return the verifiers whose signatures verified.

    Only plain (non-cosignature) verifiers are checked here; cosignatures are checked by
    :func:`tanji.trust.checkpoint.verify_cosignatures`.

    Raises:
        SignatureError: ``trust.bad_signature`` or ``trust.unknown_key``.
    """
    known = {(v.name, v.key_hash): v for v in verifiers}
    message = note.text.encode("utf-8")
    verified: list[NoteVerifier] = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_hash))
        if verifier is None:
            continue
        if not verifier.key.verify(message, sig.signature):
            raise SignatureError(
                "trust.bad_signature", "note signature by {name} does not verify", name=sig.name
            )
        verified.append(verifier)
    if not verified:
        raise SignatureError(
            "trust.unknown_key",
            "no note signature is by a trusted key (signers: {names})",
            names=", ".join(s.name for s in note.signatures) or "none",
        )
    return verified


def check_note_text(text: str) -> None:
    """Refuse text that cannot be a note: empty, not newline-terminated, control characters."""
    if (
        not text.endswith("\n")
        or text.endswith("\n\n")
        or any(ord(c) < 0x20 and c != "\n" for c in text)
    ):
        raise _malformed("note text must end in one newline and hold no control characters")


def signer_public_key(signer: Signer, public_key: PublicKey | None = None) -> PublicKey:
    """The public key of ``signer``, needed for the note key ID.

    The :class:`~tanji.trust.keys.Signer` protocol (what an HSM implements) has no public key;
    such signers pass it explicitly, while :class:`~tanji.trust.keys.PrivateKey` provides its own.

    Raises:
        CheckpointError: ``trust.note_signer`` when neither is available or they disagree.
    """
    if public_key is None:
        own = getattr(signer, "public_key", None)
        public_key = own() if callable(own) else None
    if not isinstance(public_key, PublicKey) or public_key.key_id != signer.key_id:
        raise CheckpointError(
            "trust.note_signer",
            "note signer {key_id} needs its public key (pass public_key=) to compute the key ID",
            key_id=signer.key_id,
        )
    return public_key


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(_SIG_PREFIX):
        raise _malformed(f"signature line does not start with an em dash and a space: {line!r}")
    name, sep, encoded = line[len(_SIG_PREFIX) :].rpartition(" ")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        blob = b""
    canonical = base64.b64encode(blob).decode("ascii") == encoded  # one note, one encoding
    if not sep or not _valid_name(name) or len(blob) < 5 or not canonical:
        raise _malformed(f"signature line is not '— name base64(keyID ‖ sig)': {line!r}")
    return NoteSignature(name, blob[:4], blob[4:])


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c in name for c in " +\n")


def _malformed(reason: str) -> CheckpointError:
    return CheckpointError("trust.note_malformed", "malformed signed note: {reason}", reason=reason)
