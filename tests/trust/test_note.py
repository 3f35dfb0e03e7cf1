"""C2SP signed notes: the Go sumdb/note vector, strict parsing, the spec's verification rules."""

from __future__ import annotations

import base64

import pytest

from tanji.trust.errors import CheckpointError, SignatureError
from tanji.trust.keys import PrivateKey, generate_private_key
from tanji.trust.note import (
    ED25519_TYPE,
    SM2_TYPE,
    Note,
    NoteSignature,
    NoteVerifier,
    format_note,
    note_key_hash,
    open_note,
    parse_note,
    parse_verifier_key,
    sign_note,
    verifier_key,
)

# golang.org/x/mod/sumdb/note, package documentation example (BSD-3-Clause).
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY_MATERIAL = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
).encode()


def test_go_reference_note_verifies() -> None:
    verifier = parse_verifier_key(GO_VKEY)
    assert verifier_key(verifier) == GO_VKEY
    assert open_note(parse_note(GO_NOTE), [verifier]) == [verifier]


def test_signing_reproduces_the_go_reference_note_byte_for_byte() -> None:
    seed = base64.b64decode(GO_SKEY_MATERIAL)[1:]
    note = sign_note(GO_TEXT, "PeterNeumann", PrivateKey("ed25519-sha256", seed))
    assert format_note(note) == GO_NOTE


def test_tampered_text_is_rejected() -> None:
    tampered = GO_NOTE.replace(b"cryptography", b"cryptographY")
    with pytest.raises(SignatureError) as caught:
        open_note(parse_note(tampered), [parse_verifier_key(GO_VKEY)])
    assert caught.value.code == "trust.bad_signature"


def test_unknown_signers_are_ignored_but_one_known_signature_is_required() -> None:
    key = generate_private_key()
    stranger = generate_private_key()
    note = sign_note("hello\n", "stranger", stranger)
    note = sign_note("hello\n", "me", key, note.signatures)
    mine = NoteVerifier("me", key.public_key(), ED25519_TYPE)
    assert open_note(note, [mine]) == [mine]
    with pytest.raises(SignatureError) as caught:
        open_note(Note(note.text, note.signatures[:1]), [mine])
    assert caught.value.code == "trust.unknown_key"


def test_same_name_with_another_key_id_is_ignored() -> None:
    key = generate_private_key()
    note = sign_note("hello\n", "me", generate_private_key())
    with pytest.raises(SignatureError) as caught:
        open_note(note, [NoteVerifier("me", key.public_key(), ED25519_TYPE)])
    assert caught.value.code == "trust.unknown_key"


def test_sm2_notes_use_the_documented_type_and_key_id() -> None:
    key = generate_private_key("sm2-sm3")
    note = sign_note("checkpoint\n", "log.example", key)
    verifier = NoteVerifier("log.example", key.public_key(), SM2_TYPE)
    assert note.signatures[0].key_hash == note_key_hash(
        "log.example", SM2_TYPE, key.public_key().raw
    )
    assert SM2_TYPE == b"\xfftanji/sm2-sm3\n"
    assert open_note(parse_note(format_note(note)), [verifier]) == [verifier]
    assert parse_verifier_key(verifier_key(verifier)) == verifier


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe",
        b"no blank line\n",
        b"text\n\n",
        b"text\n\n- dash name c2lnbmF0dXJl\n",
        "text\n\n— name\n".encode(),
        "text\n\n— name !!!\n".encode(),
        "text\n\n— name AAAA\n".encode(),  # shorter than a key ID and one byte
        "te\txt\n\n— name AAAAAAAA\n".encode(),
        "text\n\n— name AAAAAAAA".encode(),
    ],
)
def test_malformed_notes_are_refused(data: bytes) -> None:
    with pytest.raises(CheckpointError) as caught:
        parse_note(data)
    assert caught.value.code == "trust.note_malformed"


def test_too_many_signature_lines_are_refused() -> None:
    line = "— n " + base64.b64encode(bytes(68)).decode() + "\n"
    with pytest.raises(CheckpointError, match="more than 32"):
        parse_note(("t\n\n" + line * 33).encode())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a+b",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key ID
        "PeterNeumann+c74f20a3+BRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # unknown type
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+zz+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_bad_verifier_keys_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError) as caught:
        parse_verifier_key(text)
    assert caught.value.code == "trust.verifier_key"


def test_note_text_must_end_in_exactly_one_newline() -> None:
    key = generate_private_key()
    for text in ("no newline", "two\n\n", "bell\a\n"):
        with pytest.raises(CheckpointError):
            sign_note(text, "me", key)


def test_signature_line_round_trip() -> None:
    sig = NoteSignature("n.example/x", b"\x01\x02\x03\x04", bytes(64))
    assert parse_note(format_note(Note("t\n", (sig,)))).signatures == (sig,)


def test_suites_without_a_note_type_are_refused() -> None:
    from tanji.trust.note import note_type_for

    with pytest.raises(CheckpointError) as caught:
        note_type_for("rsa-sha1")
    assert caught.value.code == "trust.note_type"
