"""DSSE envelopes: PAE, round trips, strict decoding, tampering and key handling."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from tanji.trust.dsse import (
    MAX_SIGNATURES,
    Envelope,
    EnvelopeSignature,
    decode_envelope,
    encode_envelope,
    pae,
    sign_envelope,
    verify_envelope,
)
from tanji.trust.errors import EnvelopeFormatError, SignatureError
from tanji.trust.keys import generate_private_key

KEY = generate_private_key()
SM2_KEY = generate_private_key("sm2-sm3")
KEYS = {KEY.key_id: KEY.public_key(), SM2_KEY.key_id: SM2_KEY.public_key()}


def test_pae_matches_the_dsse_specification_example() -> None:
    # secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world")
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("类型", b"\xe7\xa2\xb3") == "DSSEv1 6 类型 3 ".encode() + b"\xe7\xa2\xb3"


@pytest.mark.parametrize("key", [KEY, SM2_KEY], ids=["ed25519", "sm2"])
def test_round_trip_and_verify(key: Any) -> None:
    envelope = sign_envelope("application/x", b'{"seq":1}', key.signer())
    data = encode_envelope(envelope)
    assert decode_envelope(data) == envelope
    assert verify_envelope(decode_envelope(data), KEYS) == key.public_key()
    assert json.loads(data)["signatures"][0]["keyid"] == key.key_id


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_single_bit_change_is_rejected(data: st.DataObject) -> None:
    envelope = sign_envelope("application/x", b'{"seq":42,"v":1.5}', KEY.signer())
    raw = bytearray(encode_envelope(envelope))
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    raw[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises((EnvelopeFormatError, SignatureError)):
        _decode_and_verify(bytes(raw))


def _decode_and_verify(data: bytes) -> None:
    verify_envelope(decode_envelope(data), KEYS)


def test_payload_type_is_authenticated() -> None:
    envelope = sign_envelope("application/a", b"p", KEY.signer())
    retyped = Envelope("application/b", envelope.payload, envelope.signatures)
    with pytest.raises(SignatureError) as caught:
        verify_envelope(retyped, KEYS)
    assert caught.value.code == "trust.bad_signature"
    assert caught.value.params["index"] == 0


def test_unknown_key_is_reported_with_its_id() -> None:
    stranger = generate_private_key()
    envelope = sign_envelope("t", b"p", stranger.signer())
    with pytest.raises(SignatureError) as caught:
        verify_envelope(envelope, KEYS)
    assert caught.value.code == "trust.unknown_key"
    assert stranger.key_id in str(caught.value)


def test_unknown_cosigner_is_ignored_but_a_failing_known_key_rejects() -> None:
    stranger = generate_private_key()
    envelope = sign_envelope("t", b"p", KEY.signer())
    extra = EnvelopeSignature(stranger.key_id, stranger.sign(pae("t", b"p")))
    assert (
        verify_envelope(Envelope("t", b"p", (extra, *envelope.signatures)), KEYS)
        == KEY.public_key()
    )
    forged = EnvelopeSignature(SM2_KEY.key_id, bytes(64))
    with pytest.raises(SignatureError) as caught:
        verify_envelope(Envelope("t", b"p", (*envelope.signatures, forged)), KEYS)
    assert caught.value.code == "trust.bad_signature"


def test_key_listed_under_another_id_does_not_verify() -> None:
    envelope = sign_envelope("t", b"p", KEY.signer())
    with pytest.raises(SignatureError):
        verify_envelope(envelope, {KEY.key_id: SM2_KEY.public_key()})


def _doc(**changes: Any) -> bytes:
    document: dict[str, Any] = {
        "payload": "cA==",
        "payloadType": "t",
        "signatures": [{"keyid": "k", "sig": "AAAA"}],
    }
    document.update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (b"\xff", "trust.envelope_json", None),
        (b"[]", "trust.envelope_members", "envelope"),
        (_doc(extra=1), "trust.envelope_members", "envelope"),
        (_doc(payloadType=3), "trust.envelope_field_type", "payloadType"),
        (_doc(payload="cA"), "trust.envelope_base64", "payload"),
        (_doc(payload="cB=="), "trust.envelope_base64", "payload"),
        (_doc(payload="c-A="), "trust.envelope_base64", "payload"),
        (_doc(signatures={}), "trust.envelope_field_type", "signatures"),
        (_doc(signatures=[]), "trust.envelope_no_signatures", None),
        (_doc(signatures=[{"keyid": "k"}]), "trust.envelope_signature_members", "signatures[0]"),
        (
            _doc(signatures=[{"keyid": "", "sig": "AA=="}]),
            "trust.envelope_field_type",
            "signatures[0].keyid",
        ),
        (
            _doc(signatures=[{"keyid": "k", "sig": 5}]),
            "trust.envelope_field_type",
            "signatures[0].sig",
        ),
        (
            _doc(signatures=[{"keyid": "k", "sig": "AA=="}] * (MAX_SIGNATURES + 1)),
            "trust.envelope_too_many_signatures",
            None,
        ),
    ],
)
def test_malformed_envelopes_get_precise_codes(data: bytes, code: str, field: str | None) -> None:
    with pytest.raises(EnvelopeFormatError) as caught:
        decode_envelope(data)
    assert caught.value.code == code
    if field is not None:
        assert caught.value.params["field"] == field


def test_oversized_envelope_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tanji.trust.dsse.MAX_ENVELOPE_BYTES", 10)
    with pytest.raises(EnvelopeFormatError) as caught:
        decode_envelope(_doc())
    assert caught.value.code == "trust.envelope_too_large"


def test_standard_json_form_decodes_from_other_producers() -> None:
    sig = base64.b64encode(KEY.sign(pae("t", b"hi"))).decode()
    text = (
        f'{{ "signatures": [ {{"sig": "{sig}", "keyid": "{KEY.key_id}"}} ],'
        ' "payloadType": "t", "payload": "aGk=" }'
    )
    assert verify_envelope(decode_envelope(text.encode()), KEYS) == KEY.public_key()
