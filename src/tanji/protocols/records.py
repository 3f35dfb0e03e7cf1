"""Platform records the transparency log commits to: lab results and review decisions.

Lab results entered by people (form, CSV/Excel import, API) and the decisions of a metrology
review are not readings of a signed batch, yet ``tanji audit`` must catch an edited lab value
or a rewritten decision, and ``tanji verify`` must recompute a process-emission figure from the
lab results it used (R4.2.2, R7.3). So each is serialised canonically (JSON, UTF-8, keys sorted,
no insignificant whitespace, floats as Python's shortest round-trip text) and that byte string
is the log entry's envelope, appended in the transaction that stores the rows.

Lab record (one analysis with all its results; a correction appends the whole analysis again,
and the newest record of an analysis is the one the rows must match)::

    {"analysed_at": "…Z", "analysis": 17, "analyst": "lab1", "channel": "manual",
     "enterprise": 3, "format": "tanji-lab/1", "instrument_code": "", "line": 2,
     "material": "clinker", "method_standard": "GB/T 176", "notes": "",
     "results": [{"method_standard": "", "parameter": "cao", "u": 0.1, "unit": "%",
                  "value": 65.2}, …],
     "sample_id": "L2-CK-0301", "sampled_at": "…Z", "source": null, "submitted_by": "lab1"}

Review record (one transition of a metrology review)::

    {"action": "approve", "enterprise": 3, "event": 41, "format": "tanji-review/1",
     "from_state": "submitted", "note": "…", "review": 9, "to_state": "approved",
     "username": "reviewer"}

Both are *unsigned at the source*: the person is authenticated by the platform session and
named in the record, but holds no key of their own, so figures derived from lab records carry
the lower trust level (ADR 0180).

Signed lab record (``tanji-lab-signed/1``, ADR 0231): what a person signs with their own key
(DSSE payload type ``application/vnd.tanji.record+json``) before the platform has stored
anything. It is a lab record without ``analysis`` and ``channel`` (the platform assigns both)
and with a ``nonce`` of 16–64 characters ``[A-Za-z0-9_-]`` that the platform accepts once per
user; :func:`signed_as_lab_record` gives the lab record of the stored analysis.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tanji.errors import CodedError

__all__ = [
    "LAB_FORMAT",
    "LAB_FORMATS",
    "REVIEW_FORMAT",
    "SIGNED_LAB_FORMAT",
    "LabReading",
    "LabResultRecord",
    "RecordFormatError",
    "canonical",
    "lab_readings",
    "lab_tag",
    "parse_record",
    "record_format",
    "signed_as_lab_record",
]

LAB_FORMAT = "tanji-lab/1"
REVIEW_FORMAT = "tanji-review/1"
SIGNED_LAB_FORMAT = "tanji-lab-signed/1"
#: Formats whose results are lab readings of a figure.
LAB_FORMATS = frozenset({LAB_FORMAT, SIGNED_LAB_FORMAT})
#: How the platform names the channel of a lab record made from a signed one.
SIGNED_CHANNEL = "signed"
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_LAB_KEYS = frozenset(
    {
        "analysed_at", "analysis", "analyst", "channel", "enterprise", "format",
        "instrument_code", "line", "material", "method_standard", "notes", "results",
        "sample_id", "sampled_at", "source", "submitted_by",
    }
)  # fmt: skip
_RESULT_KEYS = frozenset({"method_standard", "parameter", "u", "unit", "value"})
_REVIEW_KEYS = frozenset(
    {"action", "enterprise", "event", "format", "from_state", "note", "review", "to_state",
     "username"}
)  # fmt: skip
_SIGNED_LAB_KEYS = (_LAB_KEYS - {"analysis", "channel"}) | {"nonce"}
_KEYS = {LAB_FORMAT: _LAB_KEYS, REVIEW_FORMAT: _REVIEW_KEYS, SIGNED_LAB_FORMAT: _SIGNED_LAB_KEYS}


class RecordFormatError(CodedError):
    """Bytes that are not exactly a canonical platform record."""


@dataclass(frozen=True)
class LabResultRecord:
    """One result of a lab record: parameter, value, unit, standard uncertainty, method."""

    parameter: str
    value: float
    unit: str
    u: float | None = None
    method_standard: str = ""


@dataclass(frozen=True)
class LabReading:
    """A lab result as a reading of a figure: tag ``lab.<line>.<material>.<parameter>``."""

    tag: str
    time: datetime
    value: float
    unit: str


def iso(moment: datetime) -> str:
    """UTC text with milliseconds, the form every record uses (naive times are refused)."""
    if moment.tzinfo is None:
        raise RecordFormatError("record.naive_time", "time {time} has no time zone", time=moment)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def canonical(record: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a record (checked against its format's member list).

    Raises:
        RecordFormatError: ``record.bad_members`` naming the missing or unknown members, or
            ``record.not_finite`` for a NaN or infinite number.
    """
    expected = _KEYS.get(str(record.get("format")))
    if expected is None or set(record) != expected:
        raise RecordFormatError(
            "record.bad_members",
            "record of format {format!r}: members {members} differ from the documented ones",
            format=record.get("format"),
            members=sorted(set(record) ^ (expected or set())),
        )
    try:
        text = json.dumps(dict(record), sort_keys=True, separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise RecordFormatError("record.not_finite", "a record number is not finite") from None
    return text.encode("utf-8")


def lab_results(results: Sequence[LabResultRecord]) -> list[dict[str, Any]]:
    """The ``results`` member: one object per result, sorted by parameter."""
    return [
        {
            "method_standard": r.method_standard,
            "parameter": r.parameter,
            "u": r.u,
            "unit": r.unit,
            "value": float(r.value),
        }
        for r in sorted(results, key=lambda r: r.parameter)
    ]


def record_format(body: bytes) -> str | None:
    """The ``format`` of a platform record, or ``None`` for bytes that are not one."""
    if not body.startswith(b"{") or b'"format":"tanji-' not in body:
        return None
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    fmt = document.get("format") if isinstance(document, dict) else None
    return fmt if fmt in _KEYS else None


def parse_record(body: bytes) -> dict[str, Any]:
    """Strictly read a lab or review record: it must be canonical, byte for byte.

    Raises:
        RecordFormatError: ``record.bad_record`` (not JSON, unknown format) or
            ``record.not_canonical`` (re-serialising gives other bytes).
    """
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordFormatError(
            "record.bad_record", "not a platform record: {error}", error=str(exc)
        ) from None
    if not isinstance(document, dict) or document.get("format") not in _KEYS:
        raise RecordFormatError("record.bad_record", "not a platform record of a known format")
    if canonical(document) != body:
        raise RecordFormatError("record.not_canonical", "platform record is not canonical")
    if document["format"] in LAB_FORMATS:
        _check_results(document["results"])
    if document["format"] == SIGNED_LAB_FORMAT:
        _check_signed(document)
    return document


def _check_signed(document: Mapping[str, Any]) -> None:
    """A signed record's nonce and times must be exactly what the platform will store."""
    if not isinstance(document["nonce"], str) or not _NONCE.fullmatch(document["nonce"]):
        raise RecordFormatError(
            "record.bad_nonce", "nonce must be 16–64 characters A-Z a-z 0-9 _ -", field="nonce"
        )
    for name in ("sampled_at", "analysed_at"):
        value = document[name]
        try:
            exact = isinstance(value, str) and iso(datetime.fromisoformat(value)) == value
        except (ValueError, RecordFormatError):
            exact = False
        if not exact:
            raise RecordFormatError(
                "record.bad_time",
                "{field}: {value!r} is not UTC time with milliseconds (2026-03-02T08:00:00.000Z)",
                field=name,
                value=value,
            )


def signed_as_lab_record(payload: bytes, analysis_id: int) -> bytes:
    """The lab record of the analysis a signed lab record was stored as (``channel: signed``).

    Raises:
        RecordFormatError: ``payload`` is not a canonical signed lab record.
    """
    document = parse_record(payload)
    if document["format"] != SIGNED_LAB_FORMAT:
        raise RecordFormatError(
            "record.not_signed_lab", "record is a {format}", format=document["format"]
        )
    del document["nonce"]
    document |= {"analysis": analysis_id, "channel": SIGNED_CHANNEL, "format": LAB_FORMAT}
    return canonical(document)


def _check_results(results: Any) -> None:
    ok = isinstance(results, list) and all(
        isinstance(r, dict)
        and set(r) == _RESULT_KEYS
        and isinstance(r["value"], float)
        and math.isfinite(r["value"])
        for r in results
    )
    if not ok:
        raise RecordFormatError(
            "record.bad_results",
            "lab record results must be objects with members {members} and a float value",
            members=sorted(_RESULT_KEYS),
        )


def lab_tag(line: int | None, material: str, parameter: str) -> str:
    """The reading tag a lab result takes in a figure reference (``-`` for no line)."""
    return f"lab.{'-' if line is None else line}.{material}.{parameter}"


def lab_readings(body: bytes) -> list[LabReading]:
    """The results of a lab record as readings at the sampling time, in the units reported.

    A figure reference converts per cent to the mass fraction the formulas take by naming the
    unit ``1`` (:data:`tanji.accounting.figure.CONVERSIONS`).

    Raises:
        RecordFormatError: the body is not a canonical lab record.
    """
    record = parse_record(body)
    if record["format"] not in LAB_FORMATS:
        raise RecordFormatError("record.not_lab", "record is a {format}", format=record["format"])
    time = datetime.fromisoformat(record["sampled_at"])
    readings = []
    for result in record["results"]:
        tag = lab_tag(record["line"], record["material"], result["parameter"])
        readings.append(LabReading(tag, time, result["value"], result["unit"]))
    return readings
