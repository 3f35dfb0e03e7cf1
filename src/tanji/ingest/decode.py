"""Stage 2, decode: readings out of the authenticated payload.

Contract: given an :class:`Authenticated`, return a :class:`Decoded` or raise a coded error.
Pure (no database).

- Signed batches: ``readings.decode_batch`` (strict); the batch's ``device`` must be the
  authenticated device (a key may not speak for another device).
- HJ 212: the readings of the record the gateway decoded (one per factor and value suffix),
  built when first used (:class:`~tanji.ingest.hj212_records.RecordReadings`).
- Manual entry: a ``tanji-batch/1`` document (its ``seq`` is ignored: people have no sequence).
- File entry: CSV with the header ``tag,time,value,unit`` and an optional ``flag`` column;
  times RFC 3339 UTC as in batches.
"""

from __future__ import annotations

import csv
import io
import math

from tanji.evidence.choices import ChannelChoices
from tanji.ingest.hj212_records import RecordReadings
from tanji.ingest.model import Authenticated, Decoded, Refused
from tanji.protocols.readings import (
    MAX_READINGS_PER_BATCH,
    QualityFlag,
    Reading,
    decode_batch,
    parse_time,
)

__all__ = ["decode"]

CSV_COLUMNS = ("tag", "time", "value", "unit")


def decode(auth: Authenticated) -> Decoded:
    """Dispatch on the channel (see the module docstring)."""
    channel = auth.submission.channel
    if channel == ChannelChoices.HJ212:
        content = auth.submission.hj212
        assert content is not None  # authenticate guarantees it
        return Decoded(auth=auth, readings=RecordReadings(content.record))
    if channel == ChannelChoices.FILE:
        return Decoded(auth=auth, readings=_csv_readings(auth.payload))
    batch = decode_batch(auth.payload)
    if channel == ChannelChoices.MANUAL:
        return Decoded(auth=auth, readings=batch.readings)
    assert auth.device is not None
    if batch.device != auth.device.device_id:
        raise Refused(
            "ingest.device_mismatch",
            "batch names device {named}, but was signed by device {device}",
            named=batch.device,
            device=auth.device.device_id,
        )
    if batch.seq < 1:
        raise Refused("ingest.bad_seq", "sequence numbers start at 1, got {seq}", seq=batch.seq)
    return Decoded(auth=auth, readings=batch.readings, seq=batch.seq)


def _csv_readings(data: bytes) -> tuple[Reading, ...]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("ingest.csv_not_utf8", "the file is not UTF-8 text") from None
    rows = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (rows.fieldnames or ())]
    if missing:
        raise Refused("ingest.csv_header", "the CSV header lacks {columns}", columns=missing)
    readings = tuple(_csv_reading(row, n) for n, row in enumerate(rows, start=2))
    if not readings or len(readings) > MAX_READINGS_PER_BATCH:
        raise Refused(
            "ingest.csv_size", "the file must hold 1–10000 rows, got {n}", n=len(readings)
        )
    return readings


def _csv_reading(row: dict[str, str], line: int) -> Reading:
    try:
        value = float(row["value"])
    except (TypeError, ValueError):
        raise Refused(
            "ingest.csv_value",
            "line {line}: value {value!r} is not a number",
            line=line,
            value=row["value"],
        ) from None
    if not math.isfinite(value):
        raise Refused(
            "ingest.csv_value", "line {line}: value is not finite", line=line, value=value
        )
    try:
        flag = QualityFlag(row.get("flag") or "N")
    except ValueError:
        raise Refused(
            "batch.bad_flag", "line {line}: unknown flag {flag!r}", line=line, flag=row.get("flag")
        ) from None
    return Reading(
        tag=row["tag"] or "",
        time=parse_time(row["time"], f"line {line}"),
        value=value,
        unit=row["unit"] or "",
        flag=flag,
    )
