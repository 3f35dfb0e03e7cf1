"""Session attestations: the statement's strict format and their checks in a bundle (ADR 0210)."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest

from tanji.trust.attestation import (
    ATTESTATION_TYPE,
    SIGNED_RECORD_TYPE,
    Attestation,
    AttestationError,
    attestation_statement,
    parse_attestation,
)
from tanji.trust.bundle import Check, verdict, verify_bundle
from tanji.trust.bundle_document import (
    EvidenceBundle,
    FigureClaim,
    FigureInput,
    bundle_key,
    bundle_record,
)
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.entries import LogEntry, encode_log_entry
from tanji.trust.keys import PrivateKey, generate_private_key
from tanji.trust.lifecycle import KeyRecord
from tanji.trust.note import parse_verifier_key
from tests.trust import factories
from tests.trust.factories import T0

RECORD = b'{"format":"tanji-lab/1","v":1}'  # the trust package does not read the record
ATTESTATION = Attestation(
    user="lab1",
    user_id=7,
    roles=("lab_staff",),
    auth_method="password+totp",
    credential="session:0123456789abcdef",
    enterprise=4201,
    record=RECORD,
)


def test_a_statement_round_trips_and_names_no_secret() -> None:
    statement = attestation_statement(ATTESTATION)
    assert parse_attestation(statement) == ATTESTATION
    document = json.loads(statement)
    assert document["format"] == "tanji-attestation/1"
    assert document["credential"] == "session:0123456789abcdef"
    assert "lab1 (lab_staff) by password+totp" in ATTESTATION.describe()


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda d: d | {"record_sha256": "00" * 32}, "attestation.record_digest"),
        (lambda d: d | {"extra": 1}, "attestation.bad_statement"),
        (lambda d: d | {"auth_method": "carrier pigeon"}, "attestation.bad_method"),
        (lambda d: d | {"record": "not base64!"}, "attestation.bad_statement"),
    ],
)
def test_a_malformed_statement_is_refused(edit: object, code: str) -> None:
    document = edit(json.loads(attestation_statement(ATTESTATION)))  # type: ignore[operator]
    data = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    with pytest.raises(AttestationError) as caught:
        parse_attestation(data)
    assert caught.value.code == code


def test_a_statement_with_whitespace_is_not_canonical() -> None:
    data = json.dumps(json.loads(attestation_statement(ATTESTATION)), sort_keys=True).encode()
    with pytest.raises(AttestationError, match="not canonical"):
        parse_attestation(data)


def _attested_bundle(
    s: factories.Scenario, signer: PrivateKey, attestation: Attestation = ATTESTATION
) -> EvidenceBundle:
    """The scenario's bundle plus one attested lab record, the figure's ``cao_fraction``."""
    statement = attestation_statement(attestation)
    envelope = encode_envelope(sign_envelope(ATTESTATION_TYPE, statement, signer.signer()))
    entry = encode_log_entry(LogEntry(envelope, T0))
    s.entries.append(entry)
    s.tree.append(entry)
    base = factories.bundle(s)
    size = s.tree.size
    record = bundle_record("lab-1", "lab-attested", entry, size - 1, s.tree, size)
    records = tuple(bundle_record(r.id, r.kind, r.entry, r.leaf_index, s.tree, size)
                    for r in base.records[:-1])  # fmt: skip
    assert base.figure is not None
    claim = FigureClaim(
        base.figure.formula,
        {"clinker_t": FigureInput("r0", "v"), "cao_fraction": FigureInput("lab-1", "v")},
        base.figure.value,
        base.figure.unit,
    )
    keys = tuple(bundle_key(dataclasses.replace(k, tenant="4201")) for k in s.key_records)
    return dataclasses.replace(
        base, tenant="4201", records=(*records, record), figure=claim, keys=keys
    )


def _named(checks: list[Check], name: str) -> list[Check]:
    return [c for c in checks if c.name == name]


def test_an_attested_record_passes_when_the_platform_key_is_pinned() -> None:
    s = factories.scenario()
    bundle = _attested_bundle(s, s.log_key)
    seen: dict[str, bytes] = {}

    def recompute(claim: FigureClaim, payloads: object, library: object) -> Check:
        seen.update(payloads)  # type: ignore[call-overload]
        return Check("figure.recomputed", claim.formula, "pass", "same")

    pinned = [parse_verifier_key(s.log_vkey)]
    checks = verify_bundle(bundle, trusted_logs=pinned, recompute=recompute)
    (attested,) = _named(checks, "record.attestation")
    assert attested.status == "pass"
    assert "attested by the platform for user lab1 (lab_staff) by password+totp" in attested.detail
    (trust,) = _named(checks, "figure.trust")
    assert (trust.status, trust.detail.split(":")[0]) == ("pass", "session_attested")
    assert seen["lab-1"] == RECORD  # the figure reads the record, not the statement
    assert _named(checks, "record.source") == []
    assert [c for c in checks if c.status == "fail"] == []


def test_without_the_pinned_platform_key_the_attestation_is_skipped() -> None:
    s = factories.scenario()
    checks = verify_bundle(_attested_bundle(s, s.log_key))
    (attested,) = _named(checks, "record.attestation")
    assert attested.status == "skip"
    assert "not pinned" in attested.detail
    assert verdict(checks) == "partially verified"


@pytest.mark.parametrize(
    ("signer", "attestation", "detail"),
    [
        ("other", ATTESTATION, "no signature is by a trusted key"),
        ("log", dataclasses.replace(ATTESTATION, enterprise=99), "enterprise 99"),
    ],
)
def test_a_foreign_or_misdirected_attestation_fails(
    signer: str, attestation: Attestation, detail: str
) -> None:
    s = factories.scenario()
    key = s.log_key if signer == "log" else generate_private_key()
    checks = verify_bundle(
        _attested_bundle(s, key, attestation), trusted_logs=[parse_verifier_key(s.log_vkey)]
    )
    (attested,) = _named(checks, "record.attestation")
    assert attested.status == "fail"
    assert detail in attested.detail
    assert verdict(checks) == "failed"


def _signed_lab_bundle(s: factories.Scenario, person: PrivateKey, **key: object) -> EvidenceBundle:
    """The scenario's bundle plus a lab record signed by a person's key (kind ``lab-signed``)."""
    envelope = encode_envelope(sign_envelope(SIGNED_RECORD_TYPE, RECORD, person.signer()))
    entry = encode_log_entry(LogEntry(envelope, T0 + timedelta(hours=1)))
    s.entries.append(entry)
    s.tree.append(entry)
    base = factories.bundle(s)
    size = s.tree.size
    records = tuple(bundle_record(r.id, r.kind, r.entry, r.leaf_index, s.tree, size)
                    for r in base.records[:-1])  # fmt: skip
    record = bundle_record("lab-1", "lab-signed", entry, size - 1, s.tree, size)
    owner = KeyRecord(person.public_key(), "user:lab1", T0, tenant="E-4201")
    owner = dataclasses.replace(owner, **key)  # type: ignore[arg-type]
    keys = (*base.keys, bundle_key(owner))
    return dataclasses.replace(base, records=(*records, record), keys=keys)


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ({}, "pass"),
        ({"revoked_at": T0 + timedelta(minutes=30)}, "fail"),  # signed after the revocation
        ({"revoked_at": T0 + timedelta(hours=2)}, "pass"),  # signed before: stays valid
        ({"tenant": "E-9999"}, "fail"),  # another enterprise's person
    ],
)
def test_a_lab_record_signed_by_a_persons_key_verifies_like_a_batch(
    key: dict[str, object], status: str
) -> None:
    s = factories.scenario()
    checks = verify_bundle(
        _signed_lab_bundle(s, generate_private_key(), **key),
        trusted_logs=[parse_verifier_key(s.log_vkey)],
    )
    lab = [c for c in checks if c.subject == "record lab-1"]
    assert [c.status for c in lab if c.name == "record.signature"] == ["pass"]
    assert [c.status for c in lab if c.name == "record.key_valid"] == [status]
    assert not [c for c in lab if c.name in {"record.source", "record.attestation"}]
