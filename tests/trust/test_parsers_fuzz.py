"""Every parser of untrusted input fails only with its CodedError, whatever the bytes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from tanji.errors import CodedError
from tanji.trust.bundle_document import decode_bundle, encode_bundle
from tanji.trust.checkpoint import parse_checkpoint
from tanji.trust.dsse import decode_envelope
from tanji.trust.entries import decode_log_entry
from tanji.trust.keys import load_private_key, load_public_key
from tanji.trust.note import parse_note, parse_verifier_key
from tests.trust import factories

PARSERS: list[Callable[[bytes], Any]] = [
    decode_envelope,
    decode_log_entry,
    parse_note,
    decode_bundle,
    load_private_key,
    load_public_key,
    lambda data: parse_checkpoint(data.decode("utf-8", "surrogateescape")),
    lambda data: parse_verifier_key(data.decode("utf-8", "surrogateescape")),
]

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.parametrize("parse", PARSERS)
@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_coded_errors(
    parse: Callable[[bytes], Any], data: bytes
) -> None:
    with contextlib.suppress(CodedError):
        parse(data)


@pytest.mark.parametrize("parse", [decode_envelope, decode_log_entry, decode_bundle])
@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_arbitrary_json_raises_only_coded_errors(parse: Callable[[bytes], Any], value: Any) -> None:
    with contextlib.suppress(CodedError):
        parse(json.dumps(value).encode())


_BUNDLE = json.loads(encode_bundle(factories.bundle(factories.scenario(records=1))))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(_BUNDLE)), _JSON)
def test_bundle_with_any_member_replaced_raises_only_coded_errors(member: str, value: Any) -> None:
    document = dict(_BUNDLE, **{member: value})
    with contextlib.suppress(CodedError):
        decode_bundle(json.dumps(document).encode())


def test_lone_surrogates_in_json_strings_are_coded_errors() -> None:
    envelope = b'{"payload":"","payloadType":"\\ud800","signatures":[{"keyid":"k","sig":""}]}'
    with pytest.raises(CodedError) as caught:
        decode_envelope(envelope)
    assert caught.value.params["field"] == "payloadType"
    document = dict(_BUNDLE, suite="\ud800")
    with pytest.raises(CodedError) as caught:
        decode_bundle(json.dumps(document).encode())
    assert caught.value.params["path"] == "$.suite"
