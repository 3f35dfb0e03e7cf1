"""The sample half of ``tanji audit``: stored samples against the envelopes they came from.

Each envelope is decoded again with the pipeline's own decode stage and its readings converted
to the tags' units; every (tag, time) must be stored, current or superseded, with that value and
flag and the envelope's id; and stored samples may not name an envelope that yields them not.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from tanji.errors import CodedError
from tanji.evidence.choices import ChannelChoices
from tanji.evidence.documents import parse_document_record, stored_document_record
from tanji.evidence.models import RawEnvelope
from tanji.evidence.records import stored_record
from tanji.ingest.decode import decode
from tanji.ingest.model import Authenticated, Hj212Content, Submission
from tanji.ingest.validate import converted
from tanji.plant.models import Tag
from tanji.protocols.hj212 import decode_record, scan
from tanji.protocols.readings import Reading
from tanji.protocols.records import parse_record
from tanji.timeseries.models import Sample, SampleVersion
from tanji.timeseries.samples import ts_ms
from tanji.trust.dsse import decode_envelope

__all__ = ["sample_divergences"]

Finding = tuple[str, str, str]


def sample_divergences(row: RawEnvelope | None) -> Iterator[Finding]:
    """Findings for one envelope's samples, or (``None``) for samples naming no envelope."""
    if row is None:
        yield from _orphans()
        return
    where = f"evidence_rawenvelope id={row.pk}"
    try:
        readings = _readings(row)
    except CodedError as error:
        yield ("envelope.undecodable", where, str(error))
        return
    tags = {t.code: t for t in Tag.objects.filter(enterprise_id=row.enterprise_id)}
    stored = _stored(row.pk)
    expected: set[tuple[int, int]] = set()
    for reading in readings:
        tag = tags.get(reading.tag)
        if tag is None:
            yield ("sample.tag_gone", where, f"tag {reading.tag} no longer exists")
            continue
        key = (tag.pk, ts_ms(reading.time))
        expected.add(key)
        value = converted(reading, tag.unit, {"index": 0, "tag": reading.tag})
        at = f"timeseries_sample tag_id={key[0]} ts={key[1]} (envelope {row.pk})"
        if key not in stored:
            if not _stored_elsewhere(key, value, str(reading.flag)):
                yield ("sample.missing", at, "a reading of the envelope is not stored")
        elif not math.isclose(stored[key][0], value, rel_tol=1e-12, abs_tol=1e-12):
            yield ("sample.value", at, f"stored {stored[key][0]}, envelope says {value}")
        elif stored[key][1] != str(reading.flag):
            yield ("sample.flag", at, f"stored {stored[key][1]}, envelope says {reading.flag}")
    for key in sorted(stored.keys() - expected):
        at = f"timeseries_sample tag_id={key[0]} ts={key[1]}"
        yield ("sample.not_in_envelope", at, f"names envelope {row.pk}, which has no such reading")


def _stored_elsewhere(key: tuple[int, int], value: float, flag: str) -> bool:
    """An identical reading stored first from another envelope (a re-sent upload)."""
    current = Sample.objects.filter(tag_id=key[0], ts=key[1]).values_list("value", "flag").first()
    return current is not None and current[1] == flag and math.isclose(current[0], value)


def _stored(envelope_id: int) -> dict[tuple[int, int], tuple[float, str]]:
    rows: dict[tuple[int, int], tuple[float, str]] = {}
    for model in (SampleVersion, Sample):
        for tag_id, ts, value, flag in model.objects.filter(evidence_id=envelope_id).values_list(
            "tag_id", "ts", "value", "flag"
        ):
            rows[(tag_id, ts)] = (value, flag)
    return rows


def _readings(row: RawEnvelope) -> tuple[Reading, ...]:
    body = bytes(row.body)
    if row.channel == ChannelChoices.DOCUMENT:
        parse_document_record(stored_document_record(row))  # no readings: audit_documents
        return ()
    if row.channel == ChannelChoices.RECORD:
        parse_record(stored_record(row))  # lab and review records: checked by audit_records
        return ()
    submission = Submission(body, row.channel, row.received_at)
    if row.channel == ChannelChoices.HJ212:
        frames = [f.message for f in scan(body) if f.message is not None]
        readings: list[Reading] = []
        for message in frames:
            content = Hj212Content(message.mn, message.pw, decode_record(message))
            hj212 = Submission(body, row.channel, row.received_at, hj212=content)
            readings += decode(Authenticated(hj212, row.enterprise_id, row.trust_level)).readings
        return tuple(readings)
    payload = body
    if row.channel in (ChannelChoices.HTTPS, ChannelChoices.MQTT):
        payload = decode_envelope(body).payload
    auth = Authenticated(submission, row.enterprise_id, row.trust_level, row.device, payload)
    return tuple(decode(auth).readings)


def _orphans() -> Iterator[Finding]:
    known = set(RawEnvelope.objects.values_list("pk", flat=True))
    for model, table in (
        (Sample, "timeseries_sample"),
        (SampleVersion, "timeseries_sample_history"),
    ):
        for tag_id, ts, evidence_id in model.objects.values_list("tag_id", "ts", "evidence_id"):
            if evidence_id is None or evidence_id not in known:
                yield (
                    "sample.no_envelope",
                    f"{table} tag_id={tag_id} ts={ts}",
                    f"names envelope {evidence_id}, which is not stored",
                )
