"""The append-only tree against a direct transcription of RFC 9162 §2.1 (MTH, PATH, PROOF)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tanji.trust.errors import ProofError
from tanji.trust.hashes import SHA256, SM3, TreeHasher
from tanji.trust.merkle import MemoryNodeStore, MerkleTree, leaf_hash, node_hash
from tanji.trust.proofs import verify_consistency, verify_inclusion


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes], h: TreeHasher) -> bytes:
    """RFC 9162 §2.1.1, recursively, as printed."""
    if not d:
        return h.hash(b"")
    if len(d) == 1:
        return h.leaf_hash(d[0])
    k = _k(len(d))
    return h.node_hash(mth(d[:k], h), mth(d[k:], h))


def path(m: int, d: list[bytes], h: TreeHasher) -> list[bytes]:
    """RFC 9162 §2.1.3.1."""
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k], h), mth(d[k:], h)]
    return [*path(m - k, d[k:], h), mth(d[:k], h)]


def subproof(m: int, d: list[bytes], b: bool, h: TreeHasher) -> list[bytes]:
    """RFC 9162 §2.1.4.1."""
    n = len(d)
    if m == n:
        return [] if b else [mth(d, h)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, d[:k], b, h), mth(d[k:], h)]
    return [*subproof(m - k, d[k:], False, h), mth(d[:k], h)]


DATA = [f"leaf {i}".encode() for i in range(40)]


@pytest.mark.parametrize("hasher", [SHA256, SM3], ids=["sha256", "sm3"])
def test_roots_and_proofs_equal_the_rfc_definitions(hasher: TreeHasher) -> None:
    tree = MerkleTree(hasher=hasher)
    tree.extend(DATA)
    for n in range(len(DATA) + 1):
        assert tree.root(n) == mth(DATA[:n], hasher)
        for m in range(n):
            assert tree.inclusion_proof(m, n) == path(m, DATA[:n], hasher)
            verify_inclusion(
                tree.leaf(m), m, n, path(m, DATA[:n], hasher), tree.root(n), hasher=hasher
            )
        for m in range(1, n):
            assert tree.consistency_proof(m, n) == subproof(m, DATA[:n], True, hasher)
            verify_consistency(
                m, n, tree.consistency_proof(m, n), tree.root(m), tree.root(n), hasher=hasher
            )


def test_sm3_and_sha256_trees_differ() -> None:
    assert MerkleTree(hasher=SM3).root() != MerkleTree().root()
    assert SM3.hash(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"  # GB/T 32905 A.1
    )


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    left, right = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(left, right) == SHA256.hash(b"\x01" + left + right)
    assert leaf_hash(left + right) != node_hash(left, right)


def test_tree_resumes_over_an_existing_store() -> None:
    store = MemoryNodeStore()
    first = MerkleTree(store)
    first.extend(DATA[:13])
    resumed = MerkleTree(store)
    assert resumed.size == 13
    resumed.extend(DATA[13:])
    assert resumed.root() == mth(DATA, SHA256)


def test_store_refuses_out_of_order_nodes() -> None:
    store = MemoryNodeStore()
    store.put_level(0, 0, [bytes(32)])
    with pytest.raises(ProofError) as caught:
        store.put_level(0, 2, [bytes(32)])
    assert caught.value.code == "trust.store_out_of_order"
    assert caught.value.params == {"level": 0, "index": 2, "expected": 1}


class _FailingStore(MemoryNodeStore):
    """Fails the next write to level 1, as a database might fail mid-batch."""

    def __init__(self) -> None:
        super().__init__()
        self.fail = False

    def put_level(self, level: int, start: int, digests: Sequence[bytes]) -> None:
        if self.fail and level == 1:
            raise OSError("disk full")
        super().put_level(level, start, digests)


def test_a_failed_store_write_leaves_the_tree_as_it_was() -> None:
    store = _FailingStore()
    tree = MerkleTree(store)
    tree.extend(DATA[:5])
    root = tree.root()
    store.fail = True
    with pytest.raises(OSError, match="disk full"):
        tree.extend(DATA[5:9])
    assert (tree.size, tree.root()) == (5, root)
    single = MerkleTree(_FailingStore())
    single.extend(DATA[:5])
    single.store.fail = True  # type: ignore[attr-defined]
    with pytest.raises(OSError, match="disk full"):
        single.append(DATA[5])  # completes a pair: writes level 0, then fails at level 1
    assert (single.size, single.root()) == (5, root)
    # The store itself must roll back its partial write (a database transaction does).


def test_batches_and_single_appends_build_the_same_tree() -> None:
    one_by_one, batched = MerkleTree(), MerkleTree()
    for data in DATA:
        one_by_one.append(data)
    batched.extend(DATA[:7])
    batched.extend([])
    batched.extend(DATA[7:])
    assert one_by_one.root() == batched.root() == mth(DATA, SHA256)
    assert one_by_one.store._levels == batched.store._levels  # type: ignore[attr-defined]


def test_stores_about_two_digests_per_leaf() -> None:
    store = MemoryNodeStore()
    MerkleTree(store).extend(DATA * 25)  # 1000 leaves
    stored = sum(len(level) for level in store._levels)
    assert stored == 2 * 1000 - bin(1000).count("1")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t: t.root(11), "size"),
        (lambda t: t.inclusion_proof(10, 10), None),
        (lambda t: t.inclusion_proof(0, 11), "size"),
        (lambda t: t.consistency_proof(5, 4), None),
        (lambda t: t.consistency_proof(0, 12), "size2"),
        (lambda t: t.leaf(-1), None),
    ],
)
def test_out_of_range_requests_are_refused(call: object, field: str | None) -> None:
    tree = MerkleTree()
    tree.extend(DATA[:10])
    with pytest.raises(ProofError) as caught:
        call(tree)  # type: ignore[operator]
    assert caught.value.code == "trust.proof_range"
    if field:
        assert caught.value.params["field"] == field


def test_empty_and_equal_consistency_proofs_are_empty() -> None:
    tree = MerkleTree()
    tree.extend(DATA[:5])
    assert tree.consistency_proof(0, 5) == []
    assert tree.consistency_proof(5, 5) == []


def test_hashers_compare_by_name_and_unknown_names_are_refused() -> None:
    from tanji.trust.errors import KeyFormatError
    from tanji.trust.hashes import TreeHasher as Hasher, hasher_for

    assert hasher_for("sm3") == SM3 == Hasher("sm3")
    assert len({SHA256, Hasher("sha256"), SM3}) == 2
    assert repr(SM3) == "TreeHasher('sm3')"
    with pytest.raises(KeyFormatError) as caught:
        hasher_for("md5")
    assert caught.value.code == "trust.unknown_hash"
