"""An append-only Merkle tree (RFC 9162 §2.1) that stores complete subtrees only.

Every leaf hash is stored at level 0; whenever an append completes a subtree of 2^k leaves its
hash is stored at level k. That is about two digests per leaf, O(log n) hashing per append
(amortised one node hash), and any historical root, inclusion or consistency proof can be built
from stored nodes plus O(log n) hashing of the incomplete right edge. The platform persists the
nodes in its database through the :class:`NodeStore` protocol (``tanji.evidence``); here an
in-memory store serves the tests, the terminal and ``tanji verify``.

Proofs follow RFC 9162 §2.1.3.1 (``PATH``) and §2.1.4.1 (``SUBPROOF``); they are checked by the
pure verifiers of :mod:`tanji.trust.proofs`, re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from tanji.trust.errors import ProofError
from tanji.trust.hashes import SHA256, TreeHasher
from tanji.trust.proofs import check_leaf_index, verify_consistency, verify_inclusion

__all__ = [
    "MemoryNodeStore",
    "MerkleTree",
    "NodeStore",
    "leaf_hash",
    "node_hash",
    "verify_consistency",
    "verify_inclusion",
]


def leaf_hash(data: bytes, hasher: TreeHasher = SHA256) -> bytes:
    """``H(0x00 ‖ data)`` (RFC 9162 §2.1.1)."""
    return hasher.leaf_hash(data)


def node_hash(left: bytes, right: bytes, hasher: TreeHasher = SHA256) -> bytes:
    """``H(0x01 ‖ left ‖ right)`` (RFC 9162 §2.1.1)."""
    return hasher.node_hash(left, right)


class NodeStore(Protocol):
    """Where the complete-subtree hashes live.

    Node ``(level, index)`` covers leaves ``[index·2^level, (index+1)·2^level)``. Writes come
    level by level as runs of consecutive indices starting at the level's next free index, so a
    database implementation can use an append-only table keyed by (level, index) and one
    multi-row insert per level and batch.
    """

    def get(self, level: int, index: int) -> bytes:
        """The stored hash (the caller never asks for one that was not put)."""
        ...

    def put_level(self, level: int, start: int, digests: Sequence[bytes]) -> None:
        """Store ``digests`` at indices ``start, start + 1, …`` of ``level``."""
        ...

    def leaf_count(self) -> int:
        """How many leaves (level-0 nodes) are stored: the tree's size."""
        ...


class MemoryNodeStore:
    """A :class:`NodeStore` in Python lists (about 150 B per leaf)."""

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = [[] for _ in range(65)]  # a tree has ≤ 2^64 leaves

    def get(self, level: int, index: int) -> bytes:
        """The stored hash."""
        return self._levels[level][index]

    def put_level(self, level: int, start: int, digests: Sequence[bytes]) -> None:
        """Append ``digests`` to ``level``; refuses a run not starting at the next index."""
        nodes = self._levels[level]
        if start != len(nodes):
            raise ProofError(
                "trust.store_out_of_order",
                "nodes from ({level}, {index}) put out of order; next index is {expected}",
                level=level,
                index=start,
                expected=len(nodes),
            )
        nodes.extend(digests)

    def leaf_count(self) -> int:
        """Number of level-0 nodes."""
        return len(self._levels[0])


class MerkleTree:
    """Append-only RFC 9162 tree over a :class:`NodeStore`.

    Args:
        store: the node storage; a fresh :class:`MemoryNodeStore` by default.
        hasher: SHA-256 (``ed25519-sha256``) or SM3 (``sm2-sm3``).
    """

    def __init__(self, store: NodeStore | None = None, hasher: TreeHasher = SHA256) -> None:
        self.store: NodeStore = store if store is not None else MemoryNodeStore()
        self.hasher = hasher
        self._size = self.store.leaf_count()
        # Roots of the complete subtrees on the right edge, largest first (one per set bit of
        # the size): appends combine with these instead of reading the store.
        self._frontier: list[bytes] = []
        start = 0
        for level in range(self._size.bit_length() - 1, -1, -1):
            if self._size >> level & 1:
                self._frontier.append(self.store.get(level, start >> level))
                start += 1 << level

    @property
    def size(self) -> int:
        """Number of leaves."""
        return self._size

    def append(self, data: bytes) -> int:
        """Append a leaf's data (hashed as a leaf here); return its 0-based index."""
        return self.append_leaf_hash(self.hasher.leaf_hash(data))

    def append_leaf_hash(self, leaf: bytes) -> int:
        """Append an already computed leaf hash; return its index.

        Nodes are computed from the frontier before anything is stored, and the frontier and
        size change only after every write succeeded.
        """
        index, frontier, node_hash_ = self._size, self._frontier, self.hasher.node_hash
        completed: list[bytes] = []
        node, i, keep = leaf, index, len(frontier)
        while i & 1:  # this leaf completed the subtree ending at i: hash it upwards
            keep -= 1
            node = node_hash_(frontier[keep], node)
            completed.append(node)
            i >>= 1
        put_level = self.store.put_level
        put_level(0, index, (leaf,))
        for level, digest in enumerate(completed, start=1):
            put_level(level, index >> level, (digest,))
        del frontier[keep:]
        frontier.append(node)
        self._size = index + 1
        return index

    def extend(self, items: Iterable[bytes]) -> int:
        """Append many leaves' data; return the new size.

        Batches are the fast path (a log appends what one ingest transaction accepted): the new
        nodes are collected per level and written with one ``put_level`` call per level.
        """
        leaf_hash_ = self.hasher.leaf_hash
        return self._extend_hashes([leaf_hash_(data) for data in items])

    def _extend_hashes(self, leaves: Sequence[bytes]) -> int:
        """Hash ``leaves`` into the tree; store first, then publish the new size (all or none)."""
        node_hash_ = self.hasher.node_hash
        frontier = list(self._frontier)
        new: list[list[bytes]] = [list(leaves)]
        index = self._size
        for node in leaves:
            level, i = 0, index
            while i & 1:  # this leaf completed the subtree ending at i: hash it upwards
                node = node_hash_(frontier.pop(), node)
                level += 1
                i >>= 1
                if level == len(new):
                    new.append([])
                new[level].append(node)
            frontier.append(node)
            index += 1
        for level, nodes in enumerate(new):
            if nodes:
                self.store.put_level(level, self._size >> level, nodes)
        self._frontier, self._size = frontier, index
        return index

    def root(self, size: int | None = None) -> bytes:
        """``MTH(D[0:size])``, the root of the tree when it had ``size`` leaves (default: now)."""
        n = self._size if size is None else self._check_size(size, "size")
        if n == 0:
            return self.hasher.empty_root()
        return self._subtree(0, n)

    def leaf(self, index: int) -> bytes:
        """The stored hash of leaf ``index``."""
        check_leaf_index(index, self._size)
        return self.store.get(0, index)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """``PATH(index, D[0:size])`` of RFC 9162 §2.1.3.1, leaf-side first."""
        n = self._size if size is None else self._check_size(size, "size")
        check_leaf_index(index, n)
        path: list[bytes] = []
        start, m = 0, index
        while n > 1:
            k = _split(n)
            if m < k:
                path.append(self._subtree(start + k, start + n))
                n = k
            else:
                path.append(self._subtree(start, start + k))
                start, m, n = start + k, m - k, n - k
        path.reverse()
        return path

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """``PROOF(size1, D[0:size2])`` of RFC 9162 §2.1.4.1.

        Empty when the sizes are equal or ``size1`` is 0 (the policy of :mod:`tanji.trust.proofs`).
        """
        n = self._size if size2 is None else self._check_size(size2, "size2")
        m = self._check_size(size1, "size1")
        if m > n:
            raise ProofError(
                "trust.proof_range",
                "sizes {size1} → {size2}: the first tree cannot be larger",
                size1=m,
                size2=n,
            )
        if m in (0, n):
            return []
        path: list[bytes] = []
        start, complete = 0, True
        while m != n:
            k = _split(n)
            if m <= k:
                path.append(self._subtree(start + k, start + n))
                n = k
            else:
                path.append(self._subtree(start, start + k))
                start, m, n, complete = start + k, m - k, n - k, False
        if not complete:
            path.append(self._subtree(start, start + m))
        path.reverse()
        return path

    def _subtree(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])``: stored when complete and aligned, else split (right edge)."""
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            level = n.bit_length() - 1
            return self.store.get(level, start >> level)
        k = _split(n)
        return self.hasher.node_hash(self._subtree(start, start + k), self._subtree(start + k, end))

    def _check_size(self, size: int, field: str) -> int:
        if not 0 <= size <= self._size:
            raise ProofError(
                "trust.proof_range",
                "{field} {size} is outside 0..{current} (the tree's size)",
                field=field,
                size=size,
                current=self._size,
            )
        return size


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n ≥ 2), RFC 9162 §2.1.1."""
    return 1 << ((n - 1).bit_length() - 1)
