"""Signature suites: known answers, cross-checks with an independent SM2, strict key checks."""

from __future__ import annotations

import pytest

from tanji.trust.errors import KeyFormatError
from tanji.trust.keys import PrivateKey, PublicKey
from tanji.trust.suites import SUITES, get_suite
from tanji.trust.suites.sm2 import CURVE_ORDER, der_to_raw, raw_to_der
from tests.trust import sm2_reference

# RFC 8032 §7.1, TEST 1 and TEST 2.
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]


@pytest.mark.parametrize(("seed", "public", "message", "signature"), RFC8032)
def test_ed25519_matches_rfc_8032(seed: str, public: str, message: str, signature: str) -> None:
    key = PrivateKey("ed25519-sha256", bytes.fromhex(seed))
    assert key.public_key().raw.hex() == public
    assert key.sign(bytes.fromhex(message)).hex() == signature
    assert key.public_key().verify(bytes.fromhex(message), bytes.fromhex(signature))


def test_sm2_signatures_verify_with_an_independent_implementation_using_z_a() -> None:
    key = PrivateKey("sm2-sm3", get_suite("sm2-sm3").generate())
    for message in (b"", b"abc", bytes(range(256)) * 3):
        signature = key.sign(message)
        assert sm2_reference.verify(key.public_key().raw, message, signature)
        assert not sm2_reference.verify(key.public_key().raw, message + b"!", signature)


def test_sm2_verifies_signatures_of_the_independent_implementation() -> None:
    private = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8
    public_point = sm2_reference.multiply(private, sm2_reference.G)
    assert public_point is not None
    raw = b"\x04" + public_point[0].to_bytes(32, "big") + public_point[1].to_bytes(32, "big")
    key = PrivateKey("sm2-sm3", private.to_bytes(32, "big"))
    assert key.public_key().raw == raw
    signature = sm2_reference.sign(
        private,
        b"message digest",
        nonce=0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21,
    )
    assert key.public_key().verify(b"message digest", signature)
    assert not key.public_key().verify(b"message digesT", signature)


def test_sm3_known_answer() -> None:
    digest = get_suite("sm2-sm3").digest(b"abc")  # GB/T 32905-2016 Appendix A.1
    assert digest.hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_signatures_are_64_bytes_and_bound_to_message_and_key(suite: str) -> None:
    key, other = (PrivateKey(suite, get_suite(suite).generate()) for _ in range(2))
    signature = key.sign(b"batch")
    assert len(signature) == 64
    assert key.public_key().verify(b"batch", signature)
    assert not other.public_key().verify(b"batch", signature)
    assert not key.public_key().verify(b"batch", signature[:-1])
    assert not key.public_key().verify(b"batch", signature + b"\x00")


def test_sm2_rejects_out_of_range_signature_halves() -> None:
    key = PrivateKey("sm2-sm3", get_suite("sm2-sm3").generate())
    signature = key.sign(b"m")
    n = CURVE_ORDER.to_bytes(32, "big")
    for bad in (bytes(32) + signature[32:], signature[:32] + n, n + signature[32:]):
        assert raw_to_der(bad) is None
        assert not key.public_key().verify(b"m", bad)


def test_sm2_der_conversion_round_trips_including_high_bits() -> None:
    for r, s in ((1, 2), (2**255, 2**255 + 7), (CURVE_ORDER - 1, 0x7F)):
        raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        der = raw_to_der(raw)
        assert der is not None
        assert der_to_raw(der) == raw


@pytest.mark.parametrize(
    ("suite", "raw"),
    [
        ("ed25519-sha256", bytes(31)),
        ("ed25519-sha256", b"\x01" + bytes(31)),  # the identity: small order
        ("sm2-sm3", b"\x04" + bytes(64)),  # not on the curve
        ("sm2-sm3", b"\x02" + bytes(32)),  # compressed: not accepted
    ],
)
def test_invalid_public_keys_are_refused(suite: str, raw: bytes) -> None:
    with pytest.raises(KeyFormatError) as caught:
        PublicKey(suite, raw)
    assert caught.value.code == "trust.public_key_invalid"


@pytest.mark.parametrize(
    ("suite", "raw"),
    [
        ("ed25519-sha256", bytes(33)),
        ("sm2-sm3", bytes(32)),
        ("sm2-sm3", (CURVE_ORDER - 1).to_bytes(32, "big")),
    ],
)
def test_invalid_private_keys_are_refused(suite: str, raw: bytes) -> None:
    with pytest.raises(KeyFormatError) as caught:
        PrivateKey(suite, raw)
    assert caught.value.code == "trust.private_key_invalid"


def test_unknown_suite_names_the_known_ones() -> None:
    with pytest.raises(KeyFormatError) as caught:
        get_suite("rsa-sha1")
    assert caught.value.code == "trust.unknown_suite"
    assert caught.value.params["expected"] == "ed25519-sha256, sm2-sm3"


def test_sm2_key_generation_retries_out_of_range_scalars(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter([bytes(32), b"\xff" * 32, (5).to_bytes(32, "big")])
    monkeypatch.setattr("tanji.trust.suites.sm2.os.urandom", lambda n: next(draws))
    assert get_suite("sm2-sm3").generate() == (5).to_bytes(32, "big")


def test_sm2_der_reader_refuses_non_integers() -> None:
    with pytest.raises(KeyFormatError) as caught:
        der_to_raw(bytes.fromhex("3006040101020101"))
    assert caught.value.code == "trust.signature_der"


def test_suites_do_not_read_each_others_der() -> None:
    ed, sm2 = get_suite("ed25519-sha256"), get_suite("sm2-sm3")
    ed_key, sm2_key = (PrivateKey(s.name, s.generate()) for s in (ed, sm2))
    assert sm2.private_from_der(ed_key.to_pem()[28:-26]) is None  # not even base64-decoded
    assert ed.private_from_der(b"\x30\x00") is None
    assert ed.public_from_der(b"\x30\x00") is None
    assert sm2.public_from_der(b"\x30\x00") is None
    assert sm2_key.public_key() != ed_key.public_key()
