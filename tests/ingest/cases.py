"""Malformed and unauthorised input, one per quarantine reason (kept as data for every channel).

Each case builds the bytes (and the channel's claims) from a :class:`World` and names the
reason code the pipeline must quarantine it with. Shared by the pipeline, HTTP and MQTT tests.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from tanji.protocols.readings import QualityFlag, Reading, encode_batch
from tanji.trust.dsse import decode_envelope, encode_envelope
from tanji.trust.keys import generate_private_key
from tests.evidence.factories import World

RECEIVED = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)
T0 = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Message:
    """A message as a channel carries it: body, claimed device, claimed enterprise."""

    body: bytes
    device: str
    enterprise: str = ""


Build = Callable[[World, World], Message]


def _signed(
    w: World, readings: list[Reading] | None = None, *, seq: int = 1, named: str = ""
) -> Message:
    return Message(w.envelope(w.batch(seq, readings, device=named)), w.terminal.device_id)


def _one(w: World, **fields: object) -> Message:
    reading = replace(Reading(w.coal.code, T0, 10.0, "t/h"), **fields)  # type: ignore[arg-type]
    return _signed(w, [reading])


def _document(w: World, change: Callable[[dict[str, object]], None]) -> Message:
    doc = json.loads(w.envelope(w.batch(1)))
    change(doc)
    return Message(json.dumps(doc).encode(), w.terminal.device_id)


def _payload(w: World, payload: bytes) -> Message:
    def put(doc: dict[str, object]) -> None:
        doc["payload"] = base64.b64encode(payload).decode()

    # Re-sign so the refusal comes from decoding, not the signature.
    from tanji.protocols.readings import BATCH_PAYLOAD_TYPE
    from tanji.trust.dsse import sign_envelope

    return Message(
        encode_envelope(sign_envelope(BATCH_PAYLOAD_TYPE, payload, w.key.signer())),
        w.terminal.device_id,
    )


def _batch_doc(w: World, **changes: object) -> bytes:
    doc = json.loads(encode_batch(w.batch(1)))
    doc.update(changes)
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def _tampered(w: World, o: World) -> Message:
    envelope = decode_envelope(w.envelope(w.batch(1)))
    forged = replace(envelope, payload=envelope.payload.replace(b"12.0", b"2.0"))
    return Message(encode_envelope(forged), w.terminal.device_id)


def _reading_doc(w: World, **fields: object) -> bytes:
    doc = json.loads(encode_batch(w.batch(1)))
    doc["readings"][0].update(fields)
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def _inactive(w: World, o: World) -> Message:
    from tanji.evidence.models import Device

    Device.objects.filter(pk=w.terminal.pk).update(active=False)
    return _signed(w)


def _sibling_key(w: World, o: World) -> Message:
    from tests.evidence.factories import make_device

    key = generate_private_key()
    make_device(w.enterprise, w.terminal.device_id + "-B", key)
    return Message(w.envelope(w.batch(1), key), w.terminal.device_id)


def _revoked(w: World, o: World) -> Message:
    from tanji.evidence.models import TerminalKey

    TerminalKey.objects.filter(device=w.terminal).update(revoked_at=RECEIVED - timedelta(hours=1))
    return _signed(w)


SIGNED_CASES: dict[str, tuple[Build, str]] = {
    "not_json": (lambda w, o: Message(b"\xff{", w.terminal.device_id), "trust.envelope_json"),
    "array": (lambda w, o: Message(b"[]", w.terminal.device_id), "trust.envelope_members"),
    "no_signatures_member": (
        lambda w, o: _document(w, lambda d: d.pop("signatures")),
        "trust.envelope_members",
    ),
    "empty_signatures": (
        lambda w, o: _document(w, lambda d: d.update(signatures=[])),
        "trust.envelope_no_signatures",
    ),
    "payload_not_base64": (
        lambda w, o: _document(w, lambda d: d.update(payload="%%%")),
        "trust.envelope_base64",
    ),
    "payload_type_number": (
        lambda w, o: _document(w, lambda d: d.update(payloadType=7)),
        "trust.envelope_field_type",
    ),
    "wrong_payload_type": (
        lambda w, o: _document(w, lambda d: d.update(payloadType="text/plain")),
        "ingest.wrong_payload_type",
    ),
    "no_device": (lambda w, o: replace(_signed(w), device=""), "ingest.no_device"),
    "unknown_device": (lambda w, o: replace(_signed(w), device="NOPE-1"), "ingest.unknown_device"),
    "hj212_device_signs": (
        lambda w, o: replace(_signed(w), device=w.logger.device_id),
        "ingest.wrong_device_kind",
    ),
    "device_inactive": (_inactive, "ingest.device_inactive"),
    "sibling_device_key": (_sibling_key, "ingest.key_of_other_device"),
    "revoked_key": (_revoked, "trust.key_revoked"),
    "unenrolled_key": (
        lambda w, o: Message(w.envelope(w.batch(1), generate_private_key()), w.terminal.device_id),
        "trust.unknown_key",
    ),
    "tampered_payload": (_tampered, "trust.bad_signature"),
    "other_tenant_key": (
        lambda w, o: Message(w.envelope(w.batch(1), o.key), w.terminal.device_id),
        "trust.wrong_tenant",
    ),
    "wrong_enterprise_topic": (
        lambda w, o: replace(_signed(w), enterprise=str(o.enterprise.pk)),
        "ingest.wrong_enterprise",
    ),
    "payload_not_json": (lambda w, o: _payload(w, b"not json"), "batch.not_json"),
    "batch_bad_format": (lambda w, o: _payload(w, _batch_doc(w, format="x/1")), "batch.bad_format"),
    "batch_unknown_field": (
        lambda w, o: _payload(w, _batch_doc(w, extra=1)),
        "batch.unknown_field",
    ),
    "batch_empty": (lambda w, o: _payload(w, _batch_doc(w, readings=[])), "batch.bad_size"),
    "batch_seq_text": (lambda w, o: _payload(w, _batch_doc(w, seq="1")), "batch.bad_type"),
    "reading_bad_flag": (lambda w, o: _payload(w, _reading_doc(w, q="X")), "batch.bad_flag"),
    "reading_bad_time": (
        lambda w, o: _payload(w, _reading_doc(w, t="2025-06-10 08:00")),
        "batch.bad_time",
    ),
    "reading_missing_value": (lambda w, o: _payload(w, _reading_doc(w, v=None)), "batch.bad_type"),
    "names_other_device": (lambda w, o: _signed(w, named="T-9999-99"), "ingest.device_mismatch"),
    "seq_zero": (lambda w, o: _signed(w, seq=0), "ingest.bad_seq"),
    "platform_flag": (lambda w, o: _one(w, flag=QualityFlag.SUBSTITUTED), "ingest.platform_flag"),
    "unknown_tag": (lambda w, o: _one(w, tag="NO.SUCH.TAG"), "ingest.unknown_tag"),
    "other_tenant_tag": (lambda w, o: _one(w, tag=o.coal.code), "ingest.unknown_tag"),
    "unit_mismatch": (lambda w, o: _one(w, tag=w.moisture.code, unit="kg"), "ingest.unit_mismatch"),
    "unknown_unit": (lambda w, o: _one(w, unit="furlong/h"), "ingest.unknown_unit"),
    "out_of_range": (lambda w, o: _one(w, value=99.0), "ingest.out_of_range"),
    "negative_value": (lambda w, o: _one(w, value=-1.0), "ingest.out_of_range"),
    "future_time": (
        lambda w, o: _one(w, time=datetime(2099, 1, 1, tzinfo=UTC)),
        "ingest.future_time",
    ),
    "before_enrolment": (
        lambda w, o: _one(w, time=datetime(2024, 12, 31, tzinfo=UTC)),
        "ingest.before_enrolment",
    ),
    "repeated_reading": (
        lambda w, o: _signed(w, [Reading(w.coal.code, T0, 1.0, "t/h")] * 2),
        "ingest.repeated_reading",
    ),
}
