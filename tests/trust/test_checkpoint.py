"""Checkpoints, witness cosigning, consistency between checkpoints; a real cosigned checkpoint."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from tanji.trust.checkpoint import (
    Checkpoint,
    cosign_checkpoint,
    cosigner,
    log_verifier,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
    verify_checkpoint_consistency,
    verify_cosignatures,
    witness_cosign,
)
from tanji.trust.errors import CheckpointError, ProofError, SignatureError
from tanji.trust.hashes import SHA256, SM3
from tanji.trust.keys import generate_private_key
from tanji.trust.merkle import MerkleTree
from tanji.trust.note import format_note, parse_note, parse_verifier_key

# A published checkpoint of a public transparency-dev staging log with witness cosignatures
# (C2SP tlog-cosignature v1, type 0x04): interoperability data, see vectors/README.md.
REAL_CHECKPOINT = (
    Path(__file__).parent / "vectors/notes/staging-checkpoint-cosigned.txt"
).read_bytes()
REAL_LOG = (
    "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
)
REAL_WITNESS = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
ORIGIN = "platform.example/log/E-4201"


def test_real_checkpoint_and_cosignature_verify() -> None:
    checkpoint, note = open_checkpoint(REAL_CHECKPOINT, parse_verifier_key(REAL_LOG))
    assert checkpoint.size == 1432088532
    assert checkpoint.origin == "arche2025h1.staging.ct.transparency.dev"
    (cosig,) = verify_cosignatures(note, [parse_verifier_key(REAL_WITNESS)])
    assert cosig.name == "remora.n621.de"
    assert cosig.timestamp > 1_700_000_000


def test_real_checkpoint_with_a_changed_root_is_rejected() -> None:
    tampered = REAL_CHECKPOINT.replace(b"U7WM79", b"U7WM78")
    with pytest.raises(SignatureError):
        open_checkpoint(tampered, parse_verifier_key(REAL_LOG))


@pytest.mark.parametrize(("suite", "hasher"), [("ed25519-sha256", SHA256), ("sm2-sm3", SM3)])
def test_sign_open_round_trip_with_extensions(suite: str, hasher: object) -> None:
    key = generate_private_key(suite)
    tree = MerkleTree(hasher=hasher)  # type: ignore[arg-type]
    tree.extend([b"a", b"b", b"c"])
    checkpoint = Checkpoint(ORIGIN, 3, tree.root(), ("period 2025-06",))
    data = sign_checkpoint(checkpoint, ORIGIN, key)
    opened, _ = open_checkpoint(data, log_verifier(ORIGIN, key.public_key()))
    assert opened == checkpoint


def test_forged_checkpoint_signature_is_rejected() -> None:
    key, forger = generate_private_key(), generate_private_key()
    checkpoint = Checkpoint(ORIGIN, 1, SHA256.leaf_hash(b"x"))
    data = sign_checkpoint(checkpoint, ORIGIN, forger)
    with pytest.raises(SignatureError) as caught:
        open_checkpoint(data, log_verifier(ORIGIN, key.public_key()))
    assert caught.value.code == "trust.unknown_key"  # same name, other key ID: ignored
    good = parse_note(sign_checkpoint(checkpoint, ORIGIN, key))
    forged_sig = type(good.signatures[0])(ORIGIN, good.signatures[0].key_hash, bytes(64))
    with pytest.raises(SignatureError) as caught:
        open_checkpoint(
            format_note(type(good)(good.text, (forged_sig,))),
            log_verifier(ORIGIN, key.public_key()),
        )
    assert caught.value.code == "trust.bad_signature"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("o\n1\n", 2),
        ("\n1\n" + base64.b64encode(bytes(32)).decode() + "\n", 1),
        ("o\n01\n" + base64.b64encode(bytes(32)).decode() + "\n", 2),
        ("o\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n", 2),
        ("o\n1\nnot base64\n", 3),
        ("o\n1\n" + base64.b64encode(bytes(32)).decode() + "\n\n", 4),
        ("o\n1\n" + base64.b64encode(bytes(32)).decode(), 0),
    ],
)
def test_malformed_checkpoint_text_names_the_line(text: str, line: int) -> None:
    with pytest.raises(CheckpointError) as caught:
        parse_checkpoint(text)
    assert caught.value.code == "trust.checkpoint_malformed"
    assert caught.value.params["line"] == line


def test_short_root_is_refused_when_opening() -> None:
    key = generate_private_key()
    data = sign_checkpoint(Checkpoint(ORIGIN, 1, bytes(12)), ORIGIN, key)
    with pytest.raises(CheckpointError, match="12 bytes"):
        open_checkpoint(data, log_verifier(ORIGIN, key.public_key()))


class _Log:
    def __init__(self, suite: str = "ed25519-sha256") -> None:
        self.key = generate_private_key(suite)
        self.tree = MerkleTree(hasher=SM3 if suite == "sm2-sm3" else SHA256)
        self.verifier = log_verifier(ORIGIN, self.key.public_key())

    def grow(self, count: int) -> bytes:
        self.tree.extend(f"entry {self.tree.size + i}".encode() for i in range(count))
        return sign_checkpoint(
            Checkpoint(ORIGIN, self.tree.size, self.tree.root()), ORIGIN, self.key
        )


@pytest.mark.parametrize("suite", ["ed25519-sha256", "sm2-sm3"])
def test_witness_cosigns_a_growing_log(suite: str) -> None:
    log, witness = _Log(suite), generate_private_key(suite)
    first, signed = witness_cosign(log.grow(3), log.verifier, None, [], "w.example", witness, 100)
    second, signed = witness_cosign(
        log.grow(4),
        log.verifier,
        first,
        log.tree.consistency_proof(3, 7),
        "w.example",
        witness,
        200,
    )
    assert second.size == 7
    note = parse_note(signed)
    (cosig,) = verify_cosignatures(note, [cosigner("w.example", witness.public_key())])
    assert cosig.timestamp == 200
    with pytest.raises(SignatureError) as caught:
        verify_cosignatures(note, [cosigner("w.example", witness.public_key())], not_after=199)
    assert caught.value.code == "trust.bad_signature"


def test_witness_refuses_a_forked_log() -> None:
    log, witness = _Log(), generate_private_key()
    first, _ = witness_cosign(log.grow(3), log.verifier, None, [], "w", witness, 1)
    fork = MerkleTree()  # same log key, history rewritten from entry 1 on
    fork.extend([b"entry 0", b"entry 1 (rewritten)", b"entry 2", b"entry 3", b"entry 4"])
    forked = sign_checkpoint(Checkpoint(ORIGIN, 5, fork.root()), ORIGIN, log.key)
    with pytest.raises(ProofError) as caught:
        witness_cosign(forked, log.verifier, first, fork.consistency_proof(3, 5), "w", witness, 2)
    assert caught.value.code == "trust.consistency_mismatch"


def test_witness_refuses_a_rollback() -> None:
    log, witness = _Log(), generate_private_key()
    old = log.grow(2)
    latest, _ = witness_cosign(log.grow(3), log.verifier, None, [], "w", witness, 1)
    with pytest.raises(ProofError) as caught:
        witness_cosign(old, log.verifier, latest, [], "w", witness, 2)
    assert caught.value.code == "trust.proof_range"


def test_consistency_requires_the_same_origin() -> None:
    a = Checkpoint("a", 1, bytes(32))
    with pytest.raises(CheckpointError) as caught:
        verify_checkpoint_consistency(a, Checkpoint("b", 1, bytes(32)), [], SHA256)
    assert caught.value.code == "trust.checkpoint_origin"


def test_quorum_counts_distinct_witnesses() -> None:
    log = _Log()
    w1, w2 = generate_private_key(), generate_private_key()
    note = parse_note(log.grow(2))
    note = cosign_checkpoint(cosign_checkpoint(note, "w1", w1, 5), "w2", w2, 6)
    witnesses = [cosigner("w1", w1.public_key()), cosigner("w2", w2.public_key())]
    assert len(verify_cosignatures(note, witnesses, quorum=2)) == 2
    with pytest.raises(SignatureError) as caught:
        verify_cosignatures(note, witnesses[:1], quorum=2)
    assert caught.value.code == "trust.cosignature_quorum"


def test_cosignature_timestamp_range_is_checked() -> None:
    log = _Log()
    with pytest.raises(CheckpointError):
        cosign_checkpoint(parse_note(log.grow(1)), "w", generate_private_key(), -1)


class _HsmSigner:
    """A signer with only the three members of the Signer protocol, like an HSM module."""

    def __init__(self, suite: str) -> None:
        self._key = generate_private_key(suite)
        self.key_id, self.suite = self._key.key_id, suite

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


@pytest.mark.parametrize("suite", ["ed25519-sha256", "sm2-sm3"])
def test_hsm_style_signers_sign_and_cosign_with_an_explicit_public_key(suite: str) -> None:
    log, witness = _HsmSigner(suite), _HsmSigner(suite)
    log_public, witness_public = log._key.public_key(), witness._key.public_key()
    checkpoint = Checkpoint(
        ORIGIN, 1, SHA256.leaf_hash(b"x") if suite.startswith("ed") else SM3.leaf_hash(b"x")
    )
    with pytest.raises(CheckpointError) as caught:
        sign_checkpoint(checkpoint, ORIGIN, log)
    assert caught.value.code == "trust.note_signer"
    data = sign_checkpoint(checkpoint, ORIGIN, log, public_key=log_public)
    _, note = open_checkpoint(data, log_verifier(ORIGIN, log_public))
    with pytest.raises(CheckpointError):
        cosign_checkpoint(note, "w", witness, 7, public_key=log_public)  # not the witness's key
    cosigned = cosign_checkpoint(note, "w", witness, 7, public_key=witness_public)
    assert verify_cosignatures(cosigned, [cosigner("w", witness_public)])[0].timestamp == 7


_ORIGINS = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E) | st.sampled_from("碳计量 "), min_size=1
).filter(lambda o: not o.startswith(" ") and o == o.strip())
_EXTENSIONS = st.lists(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1), max_size=3
)


@settings(max_examples=200, deadline=None)
@given(_ORIGINS, st.integers(0, 2**63 - 1), st.binary(min_size=32, max_size=32), _EXTENSIONS)
def test_checkpoint_text_round_trips(origin: str, size: int, root: bytes, ext: list[str]) -> None:
    checkpoint = Checkpoint(origin, size, root, tuple(ext))
    assert parse_checkpoint(checkpoint.text()) == checkpoint


_SIGNED_LOG_KEY = generate_private_key()
_SIGNED = sign_checkpoint(
    Checkpoint(ORIGIN, 12, SHA256.leaf_hash(b"root"), ("ext",)), ORIGIN, _SIGNED_LOG_KEY
)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_single_bit_change_in_a_signed_checkpoint_is_rejected(data: st.DataObject) -> None:
    raw = bytearray(_SIGNED)
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    raw[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises((CheckpointError, SignatureError)):
        open_checkpoint(bytes(raw), log_verifier(ORIGIN, _SIGNED_LOG_KEY.public_key()))
