from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from tanji.protocols.readings import (
    BatchFormatError,
    QualityFlag,
    Reading,
    decode_batch,
    encode_batch,
    make_batch,
)

T0 = datetime(2025, 6, 10, 8, 30, tzinfo=UTC)


def _batch_bytes(**overrides: object) -> bytes:
    reading = {
        "q": "N",
        "t": "2025-06-10T08:30:00.000Z",
        "tag": "L1.COAL.KH",
        "u": "t/h",
        "v": 12.5,
    }
    document: dict[str, object] = {
        "created": "2025-06-10T08:31:00.000Z",
        "device": "T-01",
        "format": "tanji-batch/1",
        "readings": [reading],
        "seq": 7,
    }
    document.update(overrides)
    return json.dumps(document).encode()


def test_round_trip_keeps_every_field() -> None:
    readings = [Reading("L1.COAL.KH", T0, 12.5, "t/h", QualityFlag.CALIBRATION)]
    batch = make_batch("T-01", 3, T0 + timedelta(minutes=1), readings)
    assert decode_batch(encode_batch(batch)) == batch


def test_times_are_normalised_to_utc() -> None:
    shanghai = timezone(timedelta(hours=8))
    batch = make_batch(
        "T-01", 0, T0 + timedelta(seconds=1), [Reading("A", T0.astimezone(shanghai), 1.0, "t")]
    )
    assert encode_batch(batch).count(b"08:30:00.000Z") == 1


def test_encoding_is_canonical() -> None:
    batch = make_batch("T-01", 1, T0, [Reading("A", T0, 1.0, "t")])
    assert encode_batch(batch) == encode_batch(decode_batch(encode_batch(batch)))
    assert b" " not in encode_batch(batch)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"\xff", "batch.not_json"),
        (b"[]", "batch.bad_type"),
        (_batch_bytes(format="tanji-batch/0"), "batch.bad_format"),
        (_batch_bytes(seq=-1), "batch.bad_seq"),
        (_batch_bytes(seq=True), "batch.bad_type"),
        (_batch_bytes(seq="1"), "batch.bad_type"),
        (_batch_bytes(readings=[]), "batch.bad_size"),
        (_batch_bytes(extra=1), "batch.unknown_field"),
        (_batch_bytes(created="2025-06-10 08:31"), "batch.bad_time"),
        (_batch_bytes(created="2025-13-10T08:31:00.000Z"), "batch.bad_time"),
        (_batch_bytes(device=""), "batch.bad_text"),
        (_batch_bytes(readings=[1]), "batch.bad_type"),
        (_batch_bytes(readings=[{"q": "N"}]), "batch.missing_field"),
        (
            _batch_bytes(readings=[{"q": "Z", "t": "x", "tag": "a", "u": "t", "v": 1}]),
            "batch.bad_flag",
        ),
        (
            _batch_bytes(
                readings=[
                    {
                        "q": "N",
                        "t": "2025-06-10T08:30:00.000Z",
                        "tag": "a",
                        "u": "t",
                        "v": 1,
                        "w": 2,
                    }
                ]
            ),
            "batch.unknown_field",
        ),
        (_batch_bytes().replace(b"12.5", b"NaN"), "batch.non_finite"),
        (_batch_bytes().replace(b"12.5", b"1e999"), "batch.non_finite"),
    ],
)
def test_rejects_malformed_batch_with_its_own_code(payload: bytes, code: str) -> None:
    with pytest.raises(BatchFormatError) as caught:
        decode_batch(payload)
    assert caught.value.code == code


def test_refuses_naive_time() -> None:
    with pytest.raises(BatchFormatError, match="no time zone"):
        make_batch("T-01", 1, datetime(2025, 1, 1), [Reading("A", T0, 1.0, "t")])  # noqa: DTZ001


def test_only_normal_flag_is_valid() -> None:
    assert [f for f in QualityFlag if f.is_valid] == [QualityFlag.NORMAL]


@given(
    value=st.floats(allow_nan=False, allow_infinity=False),
    millis=st.integers(min_value=0, max_value=10**12),
    seq=st.integers(min_value=0, max_value=2**63),
    flag=st.sampled_from(list(QualityFlag)),
)
def test_decode_inverts_encode(value: float, millis: int, seq: int, flag: QualityFlag) -> None:
    moment = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)
    batch = make_batch("dev", seq, moment, [Reading("tag", moment, value, "kg", flag)])
    assert decode_batch(encode_batch(batch)) == batch
