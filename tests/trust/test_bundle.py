"""Evidence bundles: a complete bundle verifies; each kind of tampering fails its own check."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta

import pytest

from tanji.protocols.readings import (
    BATCH_PAYLOAD_TYPE,
    Reading,
    decode_batch,
    encode_batch,
    make_batch,
)
from tanji.trust.bundle import Check, verdict, verify_bundle
from tanji.trust.bundle_document import (
    EvidenceBundle,
    FigureClaim,
    FigureInput,
    bundle_key,
    decode_bundle,
    write_bundle_zip,
)
from tanji.trust.checkpoint import Checkpoint, log_verifier, sign_checkpoint
from tanji.trust.dsse import decode_envelope, encode_envelope, sign_envelope, verify_envelope
from tanji.trust.entries import LogEntry, decode_log_entry, encode_log_entry
from tanji.trust.keys import generate_private_key
from tanji.trust.lifecycle import revoke
from tanji.trust.note import parse_verifier_key
from tests.trust import factories
from tests.trust.factories import T0


def _statuses(checks: list[Check], name: str) -> list[str]:
    return [c.status for c in checks if c.name == name]


@pytest.mark.parametrize("suite", ["ed25519-sha256", "sm2-sm3"])
def test_complete_bundle_passes_every_check_but_the_recomputation(suite: str) -> None:
    s = factories.scenario(suite)
    checks = verify_bundle(factories.bundle(s), trusted_logs=[parse_verifier_key(s.log_vkey)])
    failed = [c for c in checks if c.status == "fail"]
    assert failed == []
    assert _statuses(checks, "record.inclusion") == ["pass"] * 5
    assert _statuses(checks, "record.signature") == ["pass"] * 5
    assert _statuses(checks, "record.key_valid") == ["pass"] * 5
    assert _statuses(checks, "checkpoint.cosignature") == ["pass"]
    (recomputed,) = [c for c in checks if c.name == "figure.recomputed"]
    assert recomputed.status == "skip"
    assert "10.5 t CO2" in recomputed.detail
    assert verdict(checks) == "partially verified"


def test_recomputation_hook_receives_only_verified_payloads() -> None:
    s = factories.scenario()
    seen: dict[str, bytes] = {}

    def hook(
        claim: FigureClaim, payloads: Mapping[str, bytes], library: Mapping[str, str] | None
    ) -> Check:
        seen.update(payloads)
        assert library == {"version": "2025.1", "digest": "ab" * 32}
        return Check("figure.recomputed", claim.formula, "pass", "recomputed 10.5")

    checks = verify_bundle(
        factories.bundle(s),
        trusted_logs=[parse_verifier_key(s.log_vkey)],
        trusted_witnesses=[parse_verifier_key(s.witness_vkey)],
        recompute=hook,
    )
    assert verdict(checks) == "verified"
    assert seen["r0"] == b'{"seq":0,"v":10}'


def test_unpinned_log_key_is_reported_as_skipped_with_its_fingerprint() -> None:
    s = factories.scenario()
    checks = verify_bundle(factories.bundle(s, figure=False))
    (pinned,) = [c for c in checks if c.name == "log.key_pinned"]
    assert pinned.status == "skip"
    assert s.log_key.key_id in pinned.detail


def test_bundle_signed_by_another_log_fails_pinning() -> None:
    s = factories.scenario()
    other = log_verifier(factories.LOG_NAME, generate_private_key().public_key())
    checks = verify_bundle(factories.bundle(s), trusted_logs=[other])
    assert _statuses(checks, "log.key_pinned") == ["fail"]
    assert verdict(checks) == "failed"


def test_tampered_entry_fails_inclusion_and_signature() -> None:
    s = factories.scenario()
    b = factories.bundle(s, figure=False)
    record = b.records[2]
    tampered = dataclasses.replace(
        record, entry=record.entry.replace(b'"envelope":"', b'"envelope":"A')
    )
    checks = verify_bundle(
        dataclasses.replace(b, records=(*b.records[:2], tampered, *b.records[3:]))
    )
    assert [c.status for c in checks if c.subject == "record r2"] == ["fail"]
    assert verdict(checks) == "failed"


def test_wrong_leaf_index_fails_inclusion_only() -> None:
    s = factories.scenario()
    b = factories.bundle(s, figure=False)
    moved = dataclasses.replace(b.records[1], leaf_index=2)
    checks = verify_bundle(dataclasses.replace(b, records=(b.records[0], moved, *b.records[2:])))
    by_name = {c.name: c.status for c in checks if c.subject == "record r1"}
    assert by_name == {
        "record.entry": "pass",
        "record.time": "pass",
        "record.inclusion": "fail",
        "record.signature": "pass",
        "record.key_valid": "pass",
    }


def test_signature_after_revocation_fails_key_validity() -> None:
    s = factories.scenario(records=2)
    s.key_records[0] = revoke(s.key_records[0], T0 + timedelta(minutes=1, seconds=30))
    checks = verify_bundle(factories.bundle(s, figure=False))
    assert _statuses(checks, "record.key_valid") == ["pass", "fail"]


def test_wrong_tenant_key_fails() -> None:
    s = factories.scenario(records=1)
    s.key_records[0] = dataclasses.replace(s.key_records[0], tenant="E-9999")
    checks = verify_bundle(factories.bundle(s, figure=False))
    (failed,) = [c for c in checks if c.name == "record.key_valid"]
    assert failed.status == "fail"
    assert "E-9999" in failed.detail


def test_unknown_signer_fails_signature_and_the_figure_inputs() -> None:
    s = factories.scenario(records=2)
    s.add(b'{"seq":9}', T0 + timedelta(hours=1), signer=generate_private_key())
    b = factories.bundle(s)
    checks = verify_bundle(
        dataclasses.replace(
            b,
            figure=dataclasses.replace(
                b.figure,
                inputs={"x": dataclasses.replace(b.figure.inputs["clinker_t"], record="r2")},
            ),
        )
    )  # type: ignore[arg-type]
    assert _statuses(checks, "record.signature") == ["pass", "pass", "fail"]
    assert _statuses(checks, "figure.inputs") == ["fail"]


def test_forged_checkpoint_fails_and_inclusion_is_skipped() -> None:
    s = factories.scenario(records=1)
    b = factories.bundle(s, figure=False)
    forged = b.checkpoint.replace(b"\n1\n", b"\n2\n", 1)
    checks = verify_bundle(dataclasses.replace(b, checkpoint=forged))
    assert _statuses(checks, "checkpoint.signature") == ["fail"]
    assert _statuses(checks, "record.inclusion") == ["skip"]


def test_missing_cosignature_fails_the_witness_check() -> None:
    s = factories.scenario(records=1)
    b = factories.bundle(s, figure=False)
    checks = verify_bundle(dataclasses.replace(b, checkpoint=s.signed_checkpoint(cosigned=False)))
    assert _statuses(checks, "checkpoint.cosignature") == ["fail"]


def test_bad_keys_and_verifier_keys_are_reported() -> None:
    s = factories.scenario(records=1)
    b = factories.bundle(s, figure=False)
    bad_key = dataclasses.replace(bundle_key(s.key_records[0]), public_key="garbage")
    checks = verify_bundle(dataclasses.replace(b, keys=(*b.keys, bad_key), witnesses=("x",)))
    assert _statuses(checks, "key.load") == ["fail"]
    assert _statuses(checks, "checkpoint.cosignature") == ["fail"]
    broken: EvidenceBundle = dataclasses.replace(b, verifier_key="nonsense")
    assert [c.name for c in verify_bundle(broken)] == ["log.key"]


def test_suite_mismatch_is_reported() -> None:
    s = factories.scenario(records=1)
    checks = verify_bundle(dataclasses.replace(factories.bundle(s, figure=False), suite="sm2-sm3"))
    assert _statuses(checks, "log.suite") == ["fail"]


def test_record_received_after_the_cosignature_fails_the_time_check() -> None:
    s = factories.scenario(records=1)
    s.add(b'{"seq":1}', T0 + timedelta(hours=5))  # after the 12:00 cosignature (T0 is 08:00)
    checks = verify_bundle(factories.bundle(s, figure=False))
    assert _statuses(checks, "record.time") == ["pass", "fail"]


def test_without_cosignature_the_time_check_is_skipped() -> None:
    s = factories.scenario(records=1)
    b = dataclasses.replace(
        factories.bundle(s, figure=False),
        checkpoint=s.signed_checkpoint(cosigned=False),
        witnesses=(),
    )
    checks = verify_bundle(b)
    assert _statuses(checks, "record.time") == ["skip"]
    assert _statuses(checks, "checkpoint.cosignature") == []


def test_checkpoint_origin_must_name_the_log() -> None:
    s = factories.scenario(records=1)
    checkpoint = Checkpoint("other.example/log", s.tree.size, s.tree.root())
    data = sign_checkpoint(checkpoint, factories.LOG_NAME, s.log_key)
    checks = verify_bundle(dataclasses.replace(factories.bundle(s, figure=False), checkpoint=data))
    assert _statuses(checks, "checkpoint.origin") == ["fail"]


# The whole path of R7.3 with real parts: a terminal signs a batch (tanji.protocols wire format)
# with SM2, the platform logs it and checkpoints, the province witnesses, an auditor verifies the
# exported bundle offline, and a rewritten batch is caught.


def _batch(seq: int, coal_t_per_h: float) -> bytes:
    readings = [Reading("L1.COAL.KH", T0 + timedelta(minutes=seq), coal_t_per_h, "t/h")]
    return encode_batch(make_batch("T-4201-01", seq, T0 + timedelta(minutes=seq), readings))


def test_signed_batches_are_verified_offline_and_a_rewritten_batch_is_caught() -> None:
    s = factories.scenario("sm2-sm3", records=0)
    for seq in range(3):  # the terminal signs; the platform appends entries as received
        envelope = sign_envelope(BATCH_PAYLOAD_TYPE, _batch(seq, 12.5 + seq), s.device.signer())
        received = encode_envelope(envelope)
        verify_envelope(decode_envelope(received), {s.device.key_id: s.device.public_key()})
        entry = encode_log_entry(LogEntry(received, T0 + timedelta(minutes=seq, seconds=2)))
        s.entries.append(entry)
        s.tree.append(entry)
    exported = write_bundle_zip(factories.bundle(s, figure=False))

    bundle = decode_bundle(exported)
    pinned = [parse_verifier_key(s.witness_vkey)]
    checks = verify_bundle(
        bundle, trusted_logs=[parse_verifier_key(s.log_vkey)], trusted_witnesses=pinned
    )
    assert verdict(checks) == "verified"
    payload = decode_envelope(decode_log_entry(bundle.records[1].entry).envelope).payload
    assert decode_batch(payload).readings[0].value == 13.5

    # The operator rewrites batch 1 (13.5 → 3.5 t/h) and re-signs it with the device key
    # it holds: the signature passes, but the log no longer includes that entry.
    forged = sign_envelope(BATCH_PAYLOAD_TYPE, _batch(1, 3.5), s.device.signer())
    entry = encode_log_entry(LogEntry(encode_envelope(forged), T0 + timedelta(minutes=1)))
    records = list(bundle.records)
    records[1] = dataclasses.replace(records[1], entry=entry)
    checks = verify_bundle(
        dataclasses.replace(bundle, records=tuple(records)),
        trusted_logs=[parse_verifier_key(s.log_vkey)],
    )
    failed = [(c.name, c.subject) for c in checks if c.status == "fail"]
    assert failed == [("record.inclusion", "record r1")]


def test_an_input_over_several_records_needs_each_verified() -> None:
    s = factories.scenario(records=2)
    s.add(b'{"seq":9}', T0 + timedelta(hours=1), signer=generate_private_key())
    b = factories.bundle(s)
    assert b.figure is not None
    several = {
        "x": FigureInput("", "sum(C, t)", ("r0", "r1")),
        "f": FigureInput("", "factor(e)"),
    }
    ok = verify_bundle(dataclasses.replace(b, figure=dataclasses.replace(b.figure, inputs=several)))
    assert _statuses(ok, "figure.inputs") == ["pass"]
    several["x"] = FigureInput("", "sum(C, t)", ("r0", "r2"))
    bad = verify_bundle(
        dataclasses.replace(b, figure=dataclasses.replace(b.figure, inputs=several))
    )
    assert _statuses(bad, "figure.inputs") == ["fail"]


def test_a_witness_key_the_bundle_brings_is_not_pinned() -> None:
    s = factories.scenario(records=1)
    checks = verify_bundle(
        factories.bundle(s, figure=False), trusted_logs=[parse_verifier_key(s.log_vkey)]
    )
    skipped = [(c.name, c.subject) for c in checks if c.status == "skip"]
    assert skipped == [("witness.key_pinned", factories.WITNESS_NAME)]
    assert verdict(checks) == "partially verified"
