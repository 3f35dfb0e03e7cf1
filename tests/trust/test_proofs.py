"""Proof verifiers against the transparency-dev vectors, the RFC 6962 roots, and properties."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from tanji.trust.errors import ProofError
from tanji.trust.hashes import SHA256
from tanji.trust.merkle import MerkleTree
from tanji.trust.proofs import verify_consistency, verify_inclusion

VECTORS = Path(__file__).parent / "vectors"
#: The documented deviation (ADR 0032): 12-byte placeholder roots expected to pass.
SHORT_ROOT_VECTOR = "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"


def _vectors(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


def _ids(path: Path) -> str:
    return str(path.relative_to(VECTORS))


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(vector: dict[str, Any]) -> list[bytes]:
    return [_b64(p) for p in vector["proof"] or []]


@pytest.mark.parametrize("path", _vectors("inclusion"), ids=_ids)
def test_inclusion_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    args = (_b64(v["leafHash"]), v["leafIdx"], v["treeSize"], _proof(v), _b64(v["root"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", _vectors("consistency"), ids=_ids)
def test_consistency_vector(path: Path) -> None:
    v = json.loads(path.read_text())
    args = (v["size1"], v["size2"], _proof(v), _b64(v["root1"]), _b64(v["root2"]))
    if v["wantErr"] or _ids(path) == SHORT_ROOT_VECTOR:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_vector_counts_are_complete() -> None:
    both = _vectors("inclusion") + _vectors("consistency")
    valid = [p for p in both if not json.loads(p.read_text())["wantErr"]]
    assert len(_vectors("inclusion")) == 98
    assert len(_vectors("consistency")) == 98
    assert len(valid) == 12  # 5 + 2 single-entry/additional inclusion, 5 + 1 consistency


def test_short_root_deviation_is_rejected_for_the_length() -> None:
    v = json.loads((VECTORS / SHORT_ROOT_VECTOR).read_text())
    with pytest.raises(ProofError) as caught:
        verify_consistency(v["size1"], v["size2"], [], _b64(v["root1"]), _b64(v["root2"]))
    assert caught.value.code == "trust.proof_hash_length"
    assert caught.value.params["field"] == "root1"


CCTV = VECTORS / "cctv"


def _cctv(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((CCTV / name).read_text())
    return cases


@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid"])
def test_cctv_inclusion_vectors(valid: bool) -> None:
    cases = _cctv(f"inclusion-{'valid' if valid else 'invalid'}.json")
    for c in cases:
        args = (_b64(c["leaf_hash"]), c["leaf_index"], c["tree_size"])
        rest = ([_b64(p) for p in c["inclusion_path"]], _b64(c["root_hash"]))
        if valid:
            verify_inclusion(*args, *rest)
        else:
            with pytest.raises(ProofError):
                verify_inclusion(*args, *rest)
    assert len(cases) == 4


@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid"])
def test_cctv_consistency_vectors_under_our_size_zero_policy(valid: bool) -> None:
    cases = _cctv(f"consistency-{'valid' if valid else 'invalid'}.json")
    for c in cases:
        args = (c["old_size"], c["new_size"], [_b64(p) for p in c["consistency_path"]])
        roots = (_b64(c["old_root"]), _b64(c["new_root"]))
        if valid:
            verify_consistency(*args, *roots)
        else:
            with pytest.raises(ProofError):
                verify_consistency(*args, *roots)
    assert len(cases) == (4 if valid else 16)


def test_cctv_tree_heads_for_leaves_a_to_p() -> None:
    tree = MerkleTree()
    for c in _cctv("merkle_tree.json"):
        tree.append(c["leaf_data"].encode())
        assert tree.leaf(tree.size - 1) == _b64(c["leaf_hash"])
        assert tree.root() == _b64(c["root_hash"])
    assert tree.size == 16


# RFC 6962 §2.1.3 test data (as in transparency-dev/merkle testonly): 8 leaves and their roots.
RFC_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
RFC_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_tree_reproduces_the_rfc_6962_roots() -> None:
    tree = MerkleTree()
    for size, (leaf, root) in enumerate(zip(RFC_LEAVES, RFC_ROOTS, strict=True), start=1):
        tree.append(bytes.fromhex(leaf))
        assert tree.root().hex() == root
        assert tree.root(size).hex() == root


def test_empty_tree_root_is_hash_of_nothing() -> None:
    assert MerkleTree().root() == SHA256.hash(b"")


def test_consistency_from_empty_tree_needs_empty_proof_and_empty_root() -> None:
    tree = MerkleTree()
    tree.extend([b"a", b"b"])
    verify_consistency(0, 2, [], SHA256.empty_root(), tree.root())
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 2, [], tree.root(), tree.root())
    with pytest.raises(ProofError) as caught:
        verify_consistency(0, 2, [tree.root()], SHA256.empty_root(), tree.root())
    assert caught.value.code == "trust.consistency_proof_not_empty"


def test_overlong_proof_is_refused_before_hashing() -> None:
    with pytest.raises(ProofError) as caught:
        verify_inclusion(bytes(32), 0, 2, [bytes(32)] * 65, bytes(32))
    assert caught.value.code == "trust.proof_too_long"


def _tree(size: int) -> MerkleTree:
    tree = MerkleTree()
    tree.extend(i.to_bytes(4, "big") for i in range(size))
    return tree


_TREE = _tree(2**10 + 37)


@settings(max_examples=1000, deadline=None)
@given(st.data())
def test_generated_inclusion_proofs_verify_and_any_bit_flip_fails(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, _TREE.size), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof, root, leaf = _TREE.inclusion_proof(index, size), _TREE.root(size), _TREE.leaf(index)
    verify_inclusion(leaf, index, size, proof, root)
    parts = [leaf, root, *proof]
    which = data.draw(st.integers(0, len(parts) - 1), label="part")
    bit = data.draw(st.integers(0, 255), label="bit")
    flipped = bytearray(parts[which])
    flipped[bit // 8] ^= 1 << (bit % 8)
    parts[which] = bytes(flipped)
    with pytest.raises(ProofError):
        verify_inclusion(parts[0], index, size, parts[2:], parts[1])
    for other in (index - 1, index + 1):
        if 0 <= other < size:
            with pytest.raises(ProofError):
                verify_inclusion(leaf, other, size, proof, root)
    # A size change keeps some path shapes, so it is judged against that size's true root: the
    # checkpoint signs size and root together, so a verifier never sees one without the other.
    for other in (size - 1, size + 1):
        if index < other <= _TREE.size and _TREE.inclusion_proof(index, other) != proof:
            with pytest.raises(ProofError):
                verify_inclusion(leaf, index, other, proof, _TREE.root(other))


@settings(max_examples=1000, deadline=None)
@given(st.data())
def test_generated_consistency_proofs_verify_and_any_bit_flip_fails(data: st.DataObject) -> None:
    size2 = data.draw(st.integers(1, _TREE.size), label="size2")
    size1 = data.draw(st.integers(1, size2), label="size1")
    proof = _TREE.consistency_proof(size1, size2)
    root1, root2 = _TREE.root(size1), _TREE.root(size2)
    verify_consistency(size1, size2, proof, root1, root2)
    parts = [root1, root2, *proof]
    which = data.draw(st.integers(0, len(parts) - 1), label="part")
    bit = data.draw(st.integers(0, 255), label="bit")
    flipped = bytearray(parts[which])
    flipped[bit // 8] ^= 1 << (bit % 8)
    parts[which] = bytes(flipped)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, parts[2:], parts[0], parts[1])
    for other in (size2 - 1, size2 + 1):
        if size1 < other <= _TREE.size and _TREE.consistency_proof(size1, other) != proof:
            with pytest.raises(ProofError):
                verify_consistency(size1, other, proof, root1, _TREE.root(other))
