"""Platform records: canonical bytes, strict parsing, lab results as figure readings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tanji.protocols import records
from tanji.protocols.records import RecordFormatError


def lab(**changes: Any) -> dict[str, Any]:
    results = [
        records.LabResultRecord("mgo", 2.2, "%", 0.05),
        records.LabResultRecord("cao", 65, "%", 0.15, "GB/T 176-2017"),
    ]
    record = {
        "analysed_at": records.iso(datetime(2026, 3, 2, 14, tzinfo=UTC)),
        "analysis": 17, "analyst": "lab1", "channel": "manual", "enterprise": 3,
        "format": records.LAB_FORMAT, "instrument_code": "", "line": 2, "material": "clinker",
        "method_standard": "GB/T 176-2017", "notes": "", "results": records.lab_results(results),
        "sample_id": "L2-CK-0302", "sampled_at": records.iso(datetime(2026, 3, 2, 8, tzinfo=UTC)),
        "source": None, "submitted_by": "lab1",
    }  # fmt: skip
    return record | changes


def test_canonical_bytes_sort_keys_and_results_and_round_trip() -> None:
    body = records.canonical(lab())
    assert body.startswith(b'{"analysed_at":"2026-03-02T14:00:00.000Z","analysis":17')
    assert body.index(b'"parameter":"cao"') < body.index(b'"parameter":"mgo"')
    assert b'"value":65.0' in body  # an integer value is a float on the wire
    assert records.parse_record(body)["sample_id"] == "L2-CK-0302"
    assert records.record_format(body) == records.LAB_FORMAT
    assert records.record_format(b'{"payloadType":"x"}') is None


def test_lab_results_become_readings_on_the_line_tag() -> None:
    readings = records.lab_readings(records.canonical(lab()))
    assert [(r.tag, r.value, r.unit) for r in readings] == [
        ("lab.2.clinker.cao", 65.0, "%"),
        ("lab.2.clinker.mgo", 2.2, "%"),
    ]
    assert readings[0].time == datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert records.lab_tag(None, "coal", "ncv") == "lab.-.coal.ncv"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "record.bad_record"),
        (b'{"format":"tanji-other/1"}', "record.bad_record"),
        (
            records.canonical(lab()).replace(b'"analysis":17,', b'"analysis":17, '),
            "record.not_canonical",
        ),
    ],
)
def test_anything_but_a_canonical_record_is_refused(body: bytes, code: str) -> None:
    with pytest.raises(RecordFormatError) as caught:
        records.parse_record(body)
    assert caught.value.code == code


def test_members_are_checked_and_numbers_must_be_finite() -> None:
    with pytest.raises(RecordFormatError) as caught:
        records.canonical({**lab(), "extra": 1})
    assert (caught.value.code, caught.value.params["members"]) == ("record.bad_members", ["extra"])
    with pytest.raises(RecordFormatError) as caught:
        records.canonical(lab(analysis=float("nan")))
    assert caught.value.code == "record.not_finite"
    with pytest.raises(RecordFormatError) as caught:
        records.iso(datetime(2026, 3, 2))  # noqa: DTZ001
    assert caught.value.code == "record.naive_time"
