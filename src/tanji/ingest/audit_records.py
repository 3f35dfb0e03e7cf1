"""The platform-record half of ``tanji audit``: lab rows and review events against their leaves.

Every lab analysis must have a logged lab record, and the newest record of the analysis must be
exactly the record rebuilt from the stored rows (an edited value, unit, uncertainty, analyst or
method, a deleted or added result); every logged analysis must still exist (a deleted row).
Every review event must equal its logged record and every logged event must exist. Records name
their row ids, so a reordering of rows (ids swapped between rows) shows as edited content.

A ``session_attested`` record (ADR 0210) must carry the platform key's valid signature
(``attestation.invalid``: edited bytes, a forged statement) and name the same user as the
stored row and the record itself (``attestation.user``: a swapped submitter).

A ``user_signed`` record (ADR 0231) must verify with the registered key its entry names, a key
of the row's submitter valid when the envelope was received (``signed_entry.invalid``: edited
envelope bytes, a key swapped or revoked before), and its lab record is then compared with the
rows like any other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tanji.errors import CodedError
from tanji.evidence.attestation import open_attestation
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.models import RawEnvelope, SignedEntry
from tanji.evidence.signed_entries import signed_lab_record
from tanji.metrology.models import ReviewEvent
from tanji.metrology.review_log import review_record
from tanji.plant.lab import lab_record
from tanji.plant.models import LabAnalysis
from tanji.protocols.records import LAB_FORMAT, REVIEW_FORMAT, canonical, parse_record
from tanji.trust.dsse import decode_envelope, verify_envelope
from tanji.trust.keys import PublicKey, load_public_key

__all__ = ["record_divergences"]

Finding = tuple[str, str, str]
_INVALID = {
    TrustLevelChoices.UNSIGNED: "record.undecodable",
    TrustLevelChoices.USER_SIGNED: "signed_entry.invalid",
}


def record_divergences(platform_key: PublicKey | None = None) -> Iterator[Finding]:
    """Findings for lab analyses and review events (see the module docstring).

    Attestations are checked against ``platform_key`` (their format and user only without it).
    """
    labs: dict[int, tuple[RawEnvelope, dict[str, Any]]] = {}
    reviews: dict[int, tuple[RawEnvelope, dict[str, Any]]] = {}
    rows = RawEnvelope.objects.filter(channel=ChannelChoices.RECORD).select_related("submitted_by")
    for row in rows.order_by("log_index").iterator():
        try:
            body, attested = _record_body(row, platform_key)
            record = parse_record(body)
        except CodedError as error:
            code = _INVALID.get(row.trust_level, "attestation.invalid")
            yield (code, f"evidence_rawenvelope id={row.pk}", str(error))
            continue
        yield from _attested_user(row, attested, record)
        if record["format"] == LAB_FORMAT:
            labs[record["analysis"]] = (row, record)  # log order: the newest wins
        elif record["format"] == REVIEW_FORMAT:
            reviews[record["event"]] = (row, record)
    yield from _lab_divergences(labs)
    yield from _review_divergences(reviews)


def _record_body(row: RawEnvelope, platform_key: PublicKey | None) -> tuple[bytes, str | None]:
    """The record of a row and the attested user (after checking the platform's signature)."""
    if row.trust_level == TrustLevelChoices.USER_SIGNED:
        return signed_record(row)
    if row.trust_level != TrustLevelChoices.SESSION_ATTESTED:
        return bytes(row.body), None
    attestation = open_attestation(bytes(row.body), platform_key)
    return attestation.record, attestation.user


def signed_record(row: RawEnvelope) -> tuple[bytes, str]:
    """The lab record of a ``user_signed`` row and its signer, after checking the signature.

    Raises:
        CodedError: ``signed_entry.invalid`` naming what does not hold.
    """
    entry = SignedEntry.objects.select_related("key__user").filter(envelope=row).first()
    if entry is None:
        raise _invalid("no signed-entry row names this envelope")
    key = load_public_key(entry.key.public_key_pem.encode("ascii"))
    try:
        verify_envelope(decode_envelope(bytes(row.body)), {key.key_id: key})
    except CodedError as error:
        raise _invalid(f"key {key.key_id[:16]}: {error}") from None
    revoked = entry.key.revoked_at
    if entry.key.registered_at > row.received_at or (revoked and revoked <= row.received_at):
        raise _invalid(f"key {key.key_id[:16]} was not valid at {row.received_at.isoformat()}")
    return signed_lab_record(row), entry.key.user.username


def _invalid(detail: str) -> CodedError:
    return CodedError("signed_entry.invalid", "{detail}", detail=detail)


def _attested_user(
    row: RawEnvelope, attested: str | None, record: dict[str, Any]
) -> Iterator[Finding]:
    """An attestation must name the row's submitter and the record's submitter."""
    if attested is None:
        return
    stored = row.submitted_by.username if row.submitted_by else None
    named = record.get("submitted_by", record.get("username"))
    if attested != stored or attested != named:
        detail = (
            f"attestation names {attested!r}; the stored row names {stored!r}, the record {named!r}"
        )
        yield ("attestation.user", f"evidence_rawenvelope id={row.pk}", detail)


def _lab_divergences(logged: dict[int, tuple[RawEnvelope, dict[str, Any]]]) -> Iterator[Finding]:
    stored = LabAnalysis.objects.select_related("analyst").order_by("pk")
    seen: set[int] = set()
    for analysis in stored.iterator():
        seen.add(analysis.pk)
        where = f"plant_labanalysis id={analysis.pk} sample_id={analysis.sample_id}"
        if analysis.pk not in logged:
            yield ("lab.not_logged", where, "no lab record in the log names this analysis")
            continue
        row, record = logged[analysis.pk]
        rebuilt = lab_record(analysis, record["channel"], record["submitted_by"])
        if rebuilt != canonical(record):
            detail = _differences(record, json.loads(rebuilt))
            yield ("lab.edited", where, f"differs from log leaf {row.log_index}: {detail}")
    for analysis_id in sorted(logged.keys() - seen):
        row, record = logged[analysis_id]
        where = f"plant_labanalysis id={analysis_id} sample_id={record['sample_id']}"
        yield ("lab.deleted", where, f"logged at leaf {row.log_index} but no longer stored")


def _review_divergences(
    logged: dict[int, tuple[RawEnvelope, dict[str, Any]]],
) -> Iterator[Finding]:
    seen: set[int] = set()
    for event in ReviewEvent.objects.order_by("pk").iterator():
        seen.add(event.pk)
        where = f"metrology_reviewevent id={event.pk} review={event.review_id}"
        if event.pk not in logged:
            yield ("review.not_logged", where, "no review record in the log names this event")
            continue
        row, record = logged[event.pk]
        rebuilt = review_record(event)
        if rebuilt != canonical(record):
            detail = _differences(record, json.loads(rebuilt))
            yield ("review.edited", where, f"differs from log leaf {row.log_index}: {detail}")
    for event_id in sorted(logged.keys() - seen):
        row, record = logged[event_id]
        where = f"metrology_reviewevent id={event_id} review={record['review']}"
        yield ("review.deleted", where, f"logged at leaf {row.log_index} but no longer stored")


def _differences(logged: dict[str, Any], stored: dict[str, Any]) -> str:
    """Which members differ, with the logged and the stored value (results item by item)."""
    parts = []
    for key in sorted(logged.keys() | stored.keys()):
        if key == "results":
            old = {r["parameter"]: r for r in logged.get(key, [])}
            new = {r["parameter"]: r for r in stored.get(key, [])}
            parts += [
                f"result {p}: logged {old.get(p)}, stored {new.get(p)}"
                for p in sorted(old.keys() | new.keys())
                if old.get(p) != new.get(p)
            ]
        elif logged.get(key) != stored.get(key):
            parts.append(f"{key}: logged {logged.get(key)!r}, stored {stored.get(key)!r}")
    return "; ".join(parts) or "byte encoding differs"
