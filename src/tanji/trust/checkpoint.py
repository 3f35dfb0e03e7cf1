r"""C2SP ``tlog-checkpoint`` and ``tlog-cosignature``: signed tree heads and witness cosigning.

A checkpoint is the note text ``<origin>\n<size>\n<base64 root>\n[<extension>\n…]`` signed by
the log (:mod:`tanji.trust.note`). A *witness* — the provincial platform cosigning an
enterprise deployment's log, or the metrology institute — cosigns a checkpoint only after it has
checked the log's signature and a consistency proof from the last checkpoint it cosigned, so a
rewritten or forked log cannot collect cosignatures (reliability target T4). Cosignatures follow
c2sp.org/tlog-cosignature v1: the signed message is ``cosignature/v1\ntime <t>\n`` followed by
the checkpoint text, and the signature is ``u64 timestamp ‖ signature`` (type ``0x04`` for
Ed25519; the SM2 analogue is documented in :mod:`tanji.trust.note` and ADR 0033).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tanji.trust.errors import CheckpointError, SignatureError
from tanji.trust.hashes import TreeHasher, hasher_for
from tanji.trust.keys import PublicKey, Signer
from tanji.trust.note import (
    Note,
    NoteSignature,
    NoteVerifier,
    check_note_text,
    format_note,
    note_key_hash,
    note_type_for,
    open_note,
    parse_note,
    sign_note,
    signer_public_key,
)
from tanji.trust.proofs import verify_consistency
from tanji.trust.suites import get_suite

__all__ = [
    "Checkpoint",
    "Cosignature",
    "cosign_checkpoint",
    "cosigner",
    "log_verifier",
    "open_checkpoint",
    "parse_checkpoint",
    "sign_checkpoint",
    "verify_checkpoint_consistency",
    "verify_cosignatures",
    "witness_cosign",
]

_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
_MAX_SIZE = 2**63 - 1


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: which log (origin), how many leaves, the root, optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The note text of the checkpoint (c2sp.org/tlog-checkpoint)."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        lines = [self.origin, str(self.size), root, *self.extensions]
        text = "".join(f"{line}\n" for line in lines)
        check_note_text(text)
        return text


@dataclass(frozen=True)
class Cosignature:
    """A verified witness cosignature: who, and when (POSIX seconds) they cosigned."""

    name: str
    timestamp: int


def log_verifier(name: str, key: PublicKey) -> NoteVerifier:
    """The verifier of a log's own checkpoint signatures."""
    return NoteVerifier(name, key, note_type_for(key.suite))


def cosigner(name: str, key: PublicKey) -> NoteVerifier:
    """The verifier of a witness's cosignatures."""
    return NoteVerifier(name, key, note_type_for(key.suite, cosignature=True))


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse checkpoint note text strictly.

    Raises:
        CheckpointError: ``trust.checkpoint_malformed`` naming the line at fault.
    """
    if not text.endswith("\n"):
        raise _malformed(0, "the checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise _malformed(len(lines), "expected origin, size and root hash lines")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise _malformed(1, "the origin line is empty")
    if not _SIZE.fullmatch(size_text) or int(size_text) > _MAX_SIZE:
        raise _malformed(2, "the tree size is not a decimal without leading zeros")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        root = b""
    if not root or base64.b64encode(root).decode("ascii") != root_text:
        raise _malformed(3, "the root hash is not canonical standard base64")
    if any(not line for line in extensions):
        raise _malformed(4, "extension lines must not be empty")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def sign_checkpoint(
    checkpoint: Checkpoint, name: str, signer: Signer, *, public_key: PublicKey | None = None
) -> bytes:
    """The checkpoint as a signed note, signed by the log key ``name``.

    ``public_key`` is needed only for signers that do not expose one (an HSM).
    """
    return format_note(sign_note(checkpoint.text(), name, signer, public_key=public_key))


def open_checkpoint(
    data: bytes, log: NoteVerifier, *, hasher: TreeHasher | None = None
) -> tuple[Checkpoint, Note]:
    """Verify the log's signature on a signed checkpoint and parse it.

    Args:
        data: the signed note bytes.
        log: the log's verifier (:func:`log_verifier`).
        hasher: if given, the root must have its digest size.

    Raises:
        CheckpointError: malformed note or checkpoint text.
        SignatureError: the log's signature is missing or does not verify.
    """
    note = parse_note(data)
    open_note(note, [log])
    checkpoint = parse_checkpoint(note.text)
    expected = (hasher or hasher_for(get_suite(log.key.suite).hash_name)).digest_size
    if len(checkpoint.root_hash) != expected:
        raise _malformed(3, f"the root hash is {len(checkpoint.root_hash)} bytes, not {expected}")
    return checkpoint, note


def cosign_checkpoint(
    note: Note, name: str, signer: Signer, timestamp: int, *, public_key: PublicKey | None = None
) -> Note:
    """Add a tlog-cosignature v1 by witness ``name`` at ``timestamp`` (POSIX seconds)."""
    if not 0 <= timestamp <= _MAX_SIZE:
        raise CheckpointError(
            "trust.cosignature_time", "timestamp {t} is out of range", t=timestamp
        )
    public = signer_public_key(signer, public_key)
    type_bytes = note_type_for(signer.suite, cosignature=True)
    signature = signer.sign(_cosigned_message(note.text, timestamp))
    line = NoteSignature(
        name, note_key_hash(name, type_bytes, public.raw), timestamp.to_bytes(8, "big") + signature
    )
    return Note(note.text, (*note.signatures, line))


def verify_cosignatures(
    note: Note, witnesses: Iterable[NoteVerifier], *, quorum: int = 1, not_after: int | None = None
) -> list[Cosignature]:
    """Verify the cosignatures of known witnesses; require at least ``quorum`` of them.

    Args:
        note: a checkpoint note (its log signature is checked by :func:`open_checkpoint`).
        witnesses: trusted cosigners (:func:`cosigner`).
        quorum: how many distinct witnesses must have cosigned.
        not_after: if given, cosignatures dated later (POSIX seconds) are rejected.

    Raises:
        SignatureError: ``trust.bad_signature`` or ``trust.cosignature_quorum``.
    """
    known = {(w.name, w.key_hash): w for w in witnesses}
    found: dict[str, Cosignature] = {}
    for sig in note.signatures:
        witness = known.get((sig.name, sig.key_hash))
        if witness is None:
            continue
        timestamp = int.from_bytes(sig.signature[:8], "big")
        message = _cosigned_message(note.text, timestamp)
        too_late = not_after is not None and timestamp > not_after
        if len(sig.signature) < 9 or too_late or not witness.key.verify(message, sig.signature[8:]):
            raise SignatureError(
                "trust.bad_signature", "cosignature by {name} does not verify", name=sig.name
            )
        found[sig.name] = Cosignature(sig.name, timestamp)
    if len(found) < quorum:
        raise SignatureError(
            "trust.cosignature_quorum",
            "{count} of the required {quorum} witnesses cosigned",
            count=len(found),
            quorum=quorum,
        )
    return list(found.values())


def verify_checkpoint_consistency(
    old: Checkpoint, new: Checkpoint, proof: Sequence[bytes], hasher: TreeHasher
) -> None:
    """Check that ``new`` extends ``old`` (same origin, RFC 9162 consistency proof).

    Raises:
        CheckpointError: ``trust.checkpoint_origin`` when the logs differ.
        ProofError: when the proof does not verify (rollback, fork, rewrite).
    """
    if old.origin != new.origin:
        raise CheckpointError(
            "trust.checkpoint_origin",
            "checkpoints of different logs: {old!r} and {new!r}",
            old=old.origin,
            new=new.origin,
        )
    verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash, hasher=hasher)


def witness_cosign(
    data: bytes,
    log: NoteVerifier,
    previous: Checkpoint | None,
    proof: Sequence[bytes],
    name: str,
    signer: Signer,
    timestamp: int,
) -> tuple[Checkpoint, bytes]:
    """What a witness does: verify, check consistency with its last view, then cosign.

    Args:
        data: the log's signed checkpoint.
        log: the log's verifier.
        previous: the last checkpoint this witness cosigned for the log (``None`` at first).
        proof: consistency proof from ``previous`` to the new checkpoint.
        name: the witness key name.
        signer: the witness key.
        timestamp: now, POSIX seconds (the caller's clock; pure code reads none).

    Returns:
        The new checkpoint (to keep as ``previous``) and the note with the cosignature added.

    Raises:
        SignatureError, CheckpointError, ProofError: nothing is cosigned then.
    """
    hasher = hasher_for(get_suite(log.key.suite).hash_name)
    checkpoint, note = open_checkpoint(data, log, hasher=hasher)
    if previous is not None:
        verify_checkpoint_consistency(previous, checkpoint, proof, hasher)
    return checkpoint, format_note(cosign_checkpoint(note, name, signer, timestamp))


def _cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def _malformed(line: int, reason: str) -> CheckpointError:
    return CheckpointError(
        "trust.checkpoint_malformed", "checkpoint line {line}: {reason}", line=line, reason=reason
    )
