"""Log entries: canonical bytes, strict decoding."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from tanji.trust.entries import LogEntry, decode_log_entry, encode_log_entry
from tanji.trust.errors import TrustError

WHEN = datetime(2025, 6, 10, 8, 31, 2, 120000, tzinfo=UTC)


def test_round_trip_and_exact_bytes() -> None:
    entry = LogEntry(b'{"a":1}', WHEN)
    data = encode_log_entry(entry)
    assert data == (
        b'{"envelope":"eyJhIjoxfQ==","format":"tanji-log-entry/1",'
        b'"received_at":"2025-06-10T08:31:02.120Z"}'
    )
    assert decode_log_entry(data) == entry


def _canonical_json(entry: LogEntry) -> bytes:
    """The entry as canonical JSON by the general route (the definition of the format)."""
    moment = entry.received_at.astimezone(UTC)
    document = {
        "envelope": base64.b64encode(entry.envelope).decode("ascii"),
        "format": "tanji-log-entry/1",
        "received_at": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")


@given(
    envelope=st.binary(max_size=2048),
    # hypothesis takes naive bounds; the zone is attached in the test
    moment=st.datetimes(
        min_value=datetime(1000, 1, 2),  # noqa: DTZ001
        max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    ),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_entries_are_exactly_the_canonical_json(
    envelope: bytes, moment: datetime, offset_minutes: int
) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    entry = LogEntry(envelope, aware)
    assert encode_log_entry(entry) == _canonical_json(entry)


def test_times_are_normalised_to_utc_milliseconds() -> None:
    beijing = WHEN.astimezone(timezone(timedelta(hours=8))) + timedelta(microseconds=999)
    assert b"08:31:02.120Z" in encode_log_entry(LogEntry(b"", beijing))


@pytest.mark.parametrize(
    "data",
    [
        b"nope",
        b'{"envelope":"","format":"tanji-log-entry/1"}',
        b'{"envelope":"","format":"other","received_at":"2025-06-10T08:31:02.120Z"}',
        b'{"envelope":"!","format":"tanji-log-entry/1","received_at":"2025-06-10T08:31:02.120Z"}',
        b'{"envelope":"","format":"tanji-log-entry/1","received_at":"2025-06-10"}',
        b'{"format":"tanji-log-entry/1","envelope":"","received_at":"2025-06-10T08:31:02.120Z"}',
    ],
)
def test_non_canonical_or_malformed_entries_are_refused(data: bytes) -> None:
    with pytest.raises(TrustError) as caught:
        decode_log_entry(data)
    assert caught.value.code == "trust.log_entry_malformed"


def test_naive_time_is_refused() -> None:
    with pytest.raises(TrustError) as caught:
        encode_log_entry(LogEntry(b"", datetime(2025, 1, 1)))  # noqa: DTZ001 - the point
    assert caught.value.code == "trust.naive_datetime"
