"""Pure verifiers of Merkle inclusion and consistency proofs (RFC 9162 §2.1.3.2, §2.1.4.2).

They trust nothing they are given: sizes, indices, every hash length and the proof length are
checked before any hashing, and both raise :class:`~tanji.trust.errors.ProofError` with a
precise code instead of returning a flag a caller could ignore.

Policy points the RFC leaves open (ADR 0032): hashes must have the hasher's digest size (so the
placeholder 12-byte roots of one transparency-dev vector are rejected); a consistency proof
between equal sizes is empty and the roots equal (for size 0 the root must be ``H("")``); from
size 0 to any n the proof must be empty and the first root ``H("")``: the empty tree is a prefix
of every tree, so there is nothing to prove, but nothing false may be smuggled in either.
"""

from __future__ import annotations

from collections.abc import Sequence

from tanji.trust.errors import ProofError
from tanji.trust.hashes import SHA256, TreeHasher

__all__ = ["MAX_PROOF_LENGTH", "check_leaf_index", "verify_consistency", "verify_inclusion"]

#: A tree of at most 2^64 leaves never needs more proof hashes than this.
MAX_PROOF_LENGTH = 64


def check_leaf_index(index: int, size: int) -> None:
    """Refuse a leaf index outside a tree of ``size`` leaves (proofs and the log share it).

    Raises:
        ProofError: ``trust.proof_range``.
    """
    if not 0 <= index < size:
        raise ProofError(
            "trust.proof_range",
            "leaf index {index} is outside a tree of size {size}",
            index=index,
            size=size,
        )


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    root: bytes,
    *,
    hasher: TreeHasher = SHA256,
) -> None:
    """Check that the leaf with ``leaf_hash`` is at ``index`` (0-based) of the tree ``root``.

    Raises:
        ProofError: ``trust.proof_range`` (index ≥ size), ``trust.proof_hash_length``,
            ``trust.proof_too_long`` or ``trust.inclusion_mismatch``.
    """
    check_leaf_index(index, size)
    _check_lengths(hasher, proof, leaf=leaf_hash, root=root)
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise _mismatch("trust.inclusion_mismatch", "inclusion proof is longer than the path")
        if fn & 1 or fn == sn:
            r = hasher.node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = hasher.node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise _mismatch("trust.inclusion_mismatch", "inclusion proof does not lead to the root")


def verify_consistency(
    size1: int,
    size2: int,
    proof: Sequence[bytes],
    root1: bytes,
    root2: bytes,
    *,
    hasher: TreeHasher = SHA256,
) -> None:
    """Check that the tree ``root2`` of ``size2`` extends the tree ``root1`` of ``size1``.

    Raises:
        ProofError: ``trust.proof_range`` (size1 > size2 or negative),
            ``trust.proof_hash_length``, ``trust.proof_too_long``,
            ``trust.consistency_proof_not_empty``, ``trust.consistency_proof_empty`` or
            ``trust.consistency_mismatch``.
    """
    if not 0 <= size1 <= size2:
        raise ProofError(
            "trust.proof_range",
            "sizes {size1} → {size2}: the first tree cannot be larger",
            size1=size1,
            size2=size2,
        )
    _check_lengths(hasher, proof, root1=root1, root2=root2)
    if size1 == size2 or size1 == 0:
        _verify_trivial(size1, size2, proof, root1, root2, hasher)
        return
    if not proof:
        raise ProofError(
            "trust.consistency_proof_empty",
            "a consistency proof {size1} → {size2} needs hashes",
            size1=size1,
            size2=size2,
        )
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise _mismatch("trust.consistency_mismatch", "consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = hasher.node_hash(c, fr)
            sr = hasher.node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = hasher.node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != root1 or sr != root2:
        raise _mismatch("trust.consistency_mismatch", "consistency proof does not match the roots")


def _verify_trivial(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes, h: TreeHasher
) -> None:
    """Equal sizes, or the empty first tree: nothing to prove, so the proof must be empty."""
    if proof:
        raise ProofError(
            "trust.consistency_proof_not_empty",
            "a consistency proof {size1} → {size2} must be empty, got {count} hashes",
            size1=size1,
            size2=size2,
            count=len(proof),
        )
    if size1 == 0 and root1 != h.empty_root():
        raise _mismatch("trust.consistency_mismatch", "the root of an empty tree must be H('')")
    if size1 == size2 and root1 != root2:
        raise _mismatch("trust.consistency_mismatch", "equal sizes with different roots")


def _check_lengths(hasher: TreeHasher, proof: Sequence[bytes], **named: bytes) -> None:
    if len(proof) > MAX_PROOF_LENGTH:
        raise ProofError(
            "trust.proof_too_long",
            "proof has {count} hashes; at most {limit} are possible",
            count=len(proof),
            limit=MAX_PROOF_LENGTH,
        )
    size = hasher.digest_size
    if all(len(v) == size for v in named.values()) and all(len(p) == size for p in proof):
        return  # the common case, without building field names
    items = [*named.items(), *((f"proof[{i}]", p) for i, p in enumerate(proof))]
    field, value = next((f, v) for f, v in items if len(v) != size)
    raise ProofError(
        "trust.proof_hash_length",
        "{field} is {length} bytes; a {hash} hash is {expected}",
        field=field,
        length=len(value),
        hash=hasher.name,
        expected=size,
    )


def _mismatch(code: str, message: str) -> ProofError:
    return ProofError(code, message)
