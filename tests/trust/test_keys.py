"""Keys: generation, PEM round trips, key ids, file and setting loading, the Signer protocol."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tanji.trust.errors import KeyFormatError
from tanji.trust.keys import (
    PrivateKey,
    Signer,
    generate_private_key,
    key_id_of,
    load_private_key,
    load_private_key_file,
    load_public_key,
    private_key_from_setting,
)
from tanji.trust.suites import SUITES, get_suite

SUITE_NAMES = sorted(SUITES)


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_pem_round_trips_keep_the_key(suite: str) -> None:
    key = generate_private_key(suite)
    loaded = load_private_key(key.to_pem())
    assert loaded.suite == suite
    assert loaded.public_key() == key.public_key()
    public = load_public_key(key.public_key().to_pem())
    assert public == key.public_key()
    assert public.verify(b"m", loaded.sign(b"m"))


def test_default_suite_is_ed25519() -> None:
    assert generate_private_key().suite == "ed25519-sha256"


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_key_id_is_the_suite_hash_of_name_and_public_key(suite: str) -> None:
    key = generate_private_key(suite).public_key()
    impl = get_suite(suite)
    assert key.key_id == impl.digest(suite.encode() + b"\x00" + key.raw).hex()
    assert key.key_id == key_id_of(impl, key.raw)
    assert len(key.key_id) == 64


def test_ed25519_pem_is_rfc_8410() -> None:
    seed = bytes(range(32))
    pem = PrivateKey("ed25519-sha256", seed).to_pem()
    der = base64.b64decode(b"".join(pem.splitlines()[1:-1]))
    assert der == bytes.fromhex("302e020100300506032b657004220420") + seed


def test_private_key_repr_hides_the_secret() -> None:
    key = generate_private_key()
    assert key.raw.hex() not in repr(key)
    assert key.key_id in repr(key)


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_private_key_is_a_signer(suite: str) -> None:
    signer = generate_private_key(suite).signer()
    assert isinstance(signer, Signer)
    assert signer.suite == suite


@pytest.mark.parametrize(
    ("pem", "code"),
    [
        (b"not a key", "trust.pem_malformed"),
        (b"-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----\n", "trust.pem_malformed"),
        (
            "-----BEGIN PRIVATE KEY-----\né\n-----END PRIVATE KEY-----".encode(),
            "trust.pem_malformed",
        ),
        (
            b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
            "trust.unsupported_key",
        ),
    ],
)
def test_bad_private_pem_is_refused_precisely(pem: bytes, code: str) -> None:
    with pytest.raises(KeyFormatError) as caught:
        load_private_key(pem)
    assert caught.value.code == code


def test_public_pem_of_another_algorithm_is_unsupported() -> None:
    ed448 = bytes.fromhex("3043300506032b6571033a00") + bytes(57)
    pem = (
        b"-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(ed448) + b"\n-----END PUBLIC KEY-----\n"
    )
    with pytest.raises(KeyFormatError) as caught:
        load_public_key(pem)
    assert caught.value.code == "trust.unsupported_key"


def test_private_pem_is_not_accepted_as_public() -> None:
    with pytest.raises(KeyFormatError) as caught:
        load_public_key(generate_private_key().to_pem())
    assert caught.value.code == "trust.pem_malformed"
    assert caught.value.params == {"label": "PUBLIC KEY"}


def test_key_file_must_be_owner_only(tmp_path: Path) -> None:
    key = generate_private_key("sm2-sm3")
    path = tmp_path / "device.pem"
    path.write_bytes(key.to_pem())
    path.chmod(0o644)
    with pytest.raises(KeyFormatError) as caught:
        load_private_key_file(path)
    assert caught.value.code == "trust.key_file_permissions"
    path.chmod(0o600)
    assert load_private_key_file(path).public_key() == key.public_key()


def test_missing_key_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(KeyFormatError) as caught:
        load_private_key_file(tmp_path / "absent.pem")
    assert caught.value.code == "trust.key_file_unreadable"


def test_key_from_setting_accepts_pem_and_one_line_base64() -> None:
    key = generate_private_key()
    assert private_key_from_setting(key.to_pem().decode()).key_id == key.key_id
    one_line = base64.b64encode(key.to_pem()).decode()
    assert private_key_from_setting(f"  {one_line}\n").key_id == key.key_id
    with pytest.raises(KeyFormatError) as caught:
        private_key_from_setting("not-base64!")
    assert caught.value.code == "trust.pem_malformed"


def test_public_keys_compare_and_hash_by_suite_and_bytes() -> None:
    key = generate_private_key().public_key()
    same = load_public_key(key.to_pem())
    assert key == same
    assert len({key, same, generate_private_key().public_key()}) == 2
    assert key != key.raw
