import json
from datetime import UTC, datetime

import pytest

from tanji.protocols.receipts import (
    Receipt,
    ReceiptFormatError,
    decode_receipt,
    encode_receipt,
)

RECEIPT = Receipt(
    "T-4201-01",
    42,
    bytes(range(32)),
    1234,
    "accepted",
    datetime(2025, 6, 10, 8, 31, 2, 120000, tzinfo=UTC),
)
WIRE = (
    b'{"device":"T-4201-01","envelope_sha256":"000102030405060708090a0b0c0d0e0f101112131415161718'
    b'191a1b1c1d1e1f","format":"tanji-receipt/1","log_index":1234,"seq":42,"status":"accepted",'
    b'"time":"2025-06-10T08:31:02.120Z"}'
)


def test_encodes_the_documented_canonical_bytes():
    assert encode_receipt(RECEIPT) == WIRE
    assert decode_receipt(WIRE) == RECEIPT


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": "maybe"}, "receipt.bad_field"),
        ({"seq": -1}, "receipt.bad_field"),
        ({"seq": True}, "receipt.bad_field"),
        ({"log_index": "7"}, "receipt.bad_field"),
        ({"envelope_sha256": "zz" * 32}, "receipt.bad_field"),
        ({"envelope_sha256": "00"}, "receipt.bad_field"),
        ({"format": "tanji-receipt/2"}, "receipt.bad_field"),
        ({"device": ""}, "receipt.bad_field"),
        ({"extra": 1}, "receipt.bad_shape"),
        ({"time": "2025-06-10 08:31"}, "batch.bad_time"),
    ],
)
def test_rejects_every_deviation(change, code):
    document = {**json.loads(WIRE), **change}
    with pytest.raises(ReceiptFormatError if code.startswith("receipt") else ValueError) as caught:
        decode_receipt(json.dumps(document).encode())
    assert caught.value.code == code  # type: ignore[attr-defined]


@pytest.mark.parametrize("payload", [b"\xff", b"[1]", b"{"])
def test_rejects_non_objects(payload):
    with pytest.raises(ReceiptFormatError):
        decode_receipt(payload)
