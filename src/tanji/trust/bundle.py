"""Verifying an evidence bundle offline, check by check (R7.3, R9.4).

:func:`verify_bundle` never stops at the first failure: it reports every check it made as a
:class:`Check` (``pass``, ``fail`` or ``skip`` with a precise detail), so a reviewer sees what
was proven and what was not. The checks:

1. ``log.key_pinned`` — the bundle's log key is one the caller trusts (skipped when none given:
   the bundle then only proves self-consistency; the fingerprint is shown to compare).
2. ``checkpoint.signature`` — the log signed the checkpoint (C2SP signed-note).
3. ``checkpoint.origin`` (only when it fails: the origin line is not the log key's name) and
   ``checkpoint.cosignature`` — each witness pinned by the caller cosigned it; without pinned
   witnesses, those the bundle names are checked, each with a skipped ``witness.key_pinned``
   (a key the bundle brings proves only that *someone* cosigned).
4. per record: ``record.entry`` (canonical log entry), ``record.time`` (received no later than
   the earliest cosignature, 5 min skew), ``record.inclusion`` (RFC 9162 proof to
   the checkpoint root), ``record.signature`` (DSSE, by a key in the bundle),
   ``record.key_valid`` (the key was enrolled, not revoked, of the bundle's tenant at the
   committed receive time). A record of an unsigned kind (``lab``: a platform record a person
   entered) has no source signature: ``record.source`` is *skipped* with the reason, so the
   verdict can never be better than "partially verified" for data no source signed. A record
   of an attested kind (``lab-attested``) gets ``record.attestation`` instead: *pass* naming
   the user, role and authentication when the platform's (pinned log) key signed it, *skip*
   when the log key is not pinned, *fail* for a bad signature or statement (ADR 0210).
5. ``figure.inputs`` — every record an input names passed its checks (inputs naming no
   record, e.g. a factor-library entry, are the recomputer's to check).
6. ``figure.trust`` — the lowest trust level of the input records: *pass* ``signed_source``
   when every one was signed at its source, *pass* ``session_attested`` when some were
   attested by the platform for a signed-in user (the detail says how many), *skip*
   ``unsigned_source`` when any was not signed at all: the figure's trust level (R4.2.1).
7. ``factor.entry`` — the factor checker compares the bundle's factor entries with the
   verifier's own library (each entry the figure uses must be there, unaltered).
8. ``figure.recomputed`` — the hook recomputes the figure; the accounting core supplies it. Without
   a hook the check is *skipped*, never faked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from tanji.trust.attestation import ATTESTATION_TYPE, parse_attestation
from tanji.trust.bundle_document import (
    ATTESTED_KINDS,
    UNSIGNED_KINDS,
    BundleFactor,
    BundleRecord,
    EvidenceBundle,
    FigureClaim,
)
from tanji.trust.checkpoint import Checkpoint, cosigner, open_checkpoint, verify_cosignatures
from tanji.trust.dsse import Envelope, decode_envelope, verify_envelope
from tanji.trust.entries import decode_log_entry
from tanji.trust.errors import TrustError
from tanji.trust.hashes import hasher_for
from tanji.trust.keys import PublicKey, load_public_key
from tanji.trust.lifecycle import DEFAULT_SKEW, KeyRecord, resolve_key
from tanji.trust.note import Note, NoteVerifier, parse_verifier_key
from tanji.trust.proofs import verify_inclusion
from tanji.trust.suites import get_suite

__all__ = ["Check", "FactorChecker", "FigureRecomputer", "verdict", "verify_bundle"]

Status = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    """One check: what (``name``), on what (``subject``), the outcome and why."""

    name: str
    subject: str
    status: Status
    detail: str


#: The accounting core's hook: given the claim, the verified payloads (record id → bytes) and the
#: factor library reference, recompute the figure and report one ``figure.recomputed`` Check.
FigureRecomputer = Callable[[FigureClaim, Mapping[str, bytes], Mapping[str, str] | None], Check]
#: The accounting core's factor check: given the claim, the bundle's factor entries and library
#: reference, one ``factor.entry`` Check per factor the figure uses.
FactorChecker = Callable[
    [FigureClaim, Sequence[BundleFactor], Mapping[str, str] | None], list[Check]
]


def verify_bundle(
    bundle: EvidenceBundle,
    *,
    trusted_logs: Sequence[NoteVerifier] = (),
    trusted_witnesses: Sequence[NoteVerifier] = (),
    recompute: FigureRecomputer | None = None,
    check_factors: FactorChecker | None = None,
) -> list[Check]:
    """Run every check on ``bundle`` and return them in order (see the module docstring)."""
    checks: list[Check] = []
    log = _log_verifier(bundle, trusted_logs, checks)
    if log is None:
        return checks
    checkpoint, witnessed_at = _checkpoint(bundle, log, trusted_witnesses, checks)
    records = _key_records(bundle, checks)
    platform = _Platform(
        log.key, any(c.name == "log.key_pinned" and c.status == "pass" for c in checks)
    )
    payloads: dict[str, bytes] = {}
    for record in bundle.records:
        state = (checkpoint, witnessed_at, platform)
        payload = _check_record(bundle, record, state, records, checks)
        if payload is not None:
            payloads[record.id] = payload
    if bundle.figure is not None and check_factors is not None:
        checks += check_factors(bundle.figure, bundle.factors, bundle.factor_library)
    _check_figure(bundle, payloads, recompute, checks)
    return checks


def verdict(checks: Sequence[Check]) -> str:
    """``failed`` if any check failed, ``verified`` if all passed, else ``partially verified``."""
    if any(c.status == "fail" for c in checks):
        return "failed"
    return "verified" if all(c.status == "pass" for c in checks) else "partially verified"


def _log_verifier(
    bundle: EvidenceBundle, trusted: Sequence[NoteVerifier], checks: list[Check]
) -> NoteVerifier | None:
    try:
        log = parse_verifier_key(bundle.verifier_key)
    except TrustError as exc:
        checks.append(Check("log.key", "log", "fail", str(exc)))
        return None
    fingerprint = f"{log.name} key {log.key.key_id}"
    if not trusted:
        checks.append(
            Check("log.key_pinned", "log", "skip", f"no trusted log key given; {fingerprint}")
        )
    elif any(t.key == log.key and t.name == log.name for t in trusted):
        checks.append(Check("log.key_pinned", "log", "pass", fingerprint))
    else:
        checks.append(Check("log.key_pinned", "log", "fail", f"{fingerprint} is not trusted"))
    if log.key.suite != bundle.suite:
        checks.append(
            Check("log.suite", "log", "fail", f"log key is {log.key.suite}, bundle {bundle.suite}")
        )
    return log


def _checkpoint(
    bundle: EvidenceBundle,
    log: NoteVerifier,
    trusted_witnesses: Sequence[NoteVerifier],
    checks: list[Check],
) -> tuple[Checkpoint | None, datetime | None]:
    """Check the checkpoint; return it and the earliest verified cosignature time."""
    try:
        checkpoint, note = open_checkpoint(bundle.checkpoint, log)
    except TrustError as exc:
        checks.append(Check("checkpoint.signature", "checkpoint", "fail", str(exc)))
        return None, None
    detail = f"{checkpoint.origin} size {checkpoint.size} signed by {log.name}"
    checks.append(Check("checkpoint.signature", "checkpoint", "pass", detail))
    if checkpoint.origin != log.name:
        detail = f"origin {checkpoint.origin!r} is not the log key's name {log.name!r}"
        checks.append(Check("checkpoint.origin", "checkpoint", "fail", detail))
    return checkpoint, _check_cosignatures(bundle, note, trusted_witnesses, checks)


def _check_cosignatures(
    bundle: EvidenceBundle, note: Note, trusted: Sequence[NoteVerifier], checks: list[Check]
) -> datetime | None:
    """Check each witness; return the earliest verified cosignature time.

    That time bounds every receive time in the tree from above; ``None`` when none cosigned.
    """
    witnesses, times = list(trusted), []
    for text in bundle.witnesses:
        try:
            named = parse_verifier_key(text)
        except TrustError as exc:
            checks.append(Check("checkpoint.cosignature", text, "fail", str(exc)))
            continue
        if not trusted:
            witnesses.append(named)
            detail = f"no trusted witness key given; {named.name} key {named.key.key_id}"
            checks.append(Check("witness.key_pinned", named.name, "skip", detail))
    for witness in witnesses:
        as_cosigner = cosigner(witness.name, witness.key)
        try:
            (cosig,) = verify_cosignatures(note, [as_cosigner])
        except TrustError as exc:
            checks.append(Check("checkpoint.cosignature", witness.name, "fail", str(exc)))
            continue
        when = datetime.fromtimestamp(cosig.timestamp, UTC)
        detail = f"cosigned at {when.isoformat()} by key {witness.key.key_id[:16]}…"
        checks.append(Check("checkpoint.cosignature", witness.name, "pass", detail))
        times.append(when)
    return min(times, default=None)


def _key_records(bundle: EvidenceBundle, checks: list[Check]) -> list[KeyRecord]:
    records: list[KeyRecord] = []
    for index, key in enumerate(bundle.keys):
        try:
            public = load_public_key(key.public_key.encode("utf-8"))
            records.append(
                KeyRecord(
                    public, key.owner, key.enrolled_at, key.revoked_at, key.rotated_to, key.tenant
                )
            )
        except TrustError as exc:
            checks.append(Check("key.load", f"keys[{index}]", "fail", str(exc)))
    return records


@dataclass(frozen=True)
class _Platform:
    """The log's (the platform's) key and whether the caller pinned it."""

    key: PublicKey
    pinned: bool


def _check_record(
    bundle: EvidenceBundle,
    record: BundleRecord,
    log_state: tuple[Checkpoint | None, datetime | None, _Platform],
    key_records: list[KeyRecord],
    checks: list[Check],
) -> bytes | None:
    subject = f"record {record.id}"
    checkpoint, witnessed_at, platform = log_state
    try:
        entry = decode_log_entry(record.entry)
        envelope = None if record.kind in UNSIGNED_KINDS else decode_envelope(entry.envelope)
    except TrustError as exc:
        checks.append(Check("record.entry", subject, "fail", str(exc)))
        return None
    checks.append(
        Check("record.entry", subject, "pass", f"received {entry.received_at.isoformat()}")
    )
    _check_time(entry.received_at, witnessed_at, subject, checks)
    included = _check_inclusion(
        bundle, record.entry, record.leaf_index, record.inclusion_proof, checkpoint, subject, checks
    )
    if envelope is None:
        detail = (
            f"unsigned source: a {record.kind} record entered by a person and authenticated by"
            " the platform session; the log proves when it was recorded, not who measured it"
        )
        checks.append(Check("record.source", subject, "skip", detail))
        return entry.envelope if included else None
    if record.kind in ATTESTED_KINDS:
        payload = _check_attestation(bundle, envelope, platform, subject, checks)
        return payload if included else None
    keys: Mapping[str, PublicKey] = {r.key.key_id: r.key for r in key_records}
    try:
        key = verify_envelope(envelope, keys)
    except TrustError as exc:
        checks.append(Check("record.signature", subject, "fail", str(exc)))
        return None
    checks.append(
        Check("record.signature", subject, "pass", f"{envelope.payload_type} by {key.key_id[:16]}…")
    )
    try:
        owner = resolve_key(key_records, key.key_id, entry.received_at, tenant=bundle.tenant)
    except TrustError as exc:
        checks.append(Check("record.key_valid", subject, "fail", str(exc)))
        return None
    checks.append(Check("record.key_valid", subject, "pass", f"key of {owner.owner} valid then"))
    return envelope.payload if included else None


def _check_attestation(
    bundle: EvidenceBundle,
    envelope: Envelope,
    platform: _Platform,
    subject: str,
    checks: list[Check],
) -> bytes | None:
    """The record an attestation carries, if the platform's key signed it for this tenant."""
    try:
        if envelope.payload_type != ATTESTATION_TYPE:
            detail = f"payload type {envelope.payload_type!r} is not {ATTESTATION_TYPE!r}"
            checks.append(Check("record.attestation", subject, "fail", detail))
            return None
        verify_envelope(envelope, {platform.key.key_id: platform.key})
        attestation = parse_attestation(envelope.payload)
    except TrustError as exc:
        checks.append(Check("record.attestation", subject, "fail", str(exc)))
        return None
    if str(attestation.enterprise) != bundle.tenant:
        detail = f"attested for enterprise {attestation.enterprise}, bundle of {bundle.tenant}"
        checks.append(Check("record.attestation", subject, "fail", detail))
        return None
    said = f"attested by the platform for {attestation.describe()}"
    if platform.pinned:
        checks.append(Check("record.attestation", subject, "pass", said))
    else:
        detail = f"{said}; the platform's log key is not pinned, so anyone could have signed"
        checks.append(Check("record.attestation", subject, "skip", detail))
    return attestation.record


def _check_time(
    received_at: datetime, witnessed_at: datetime | None, subject: str, checks: list[Check]
) -> None:
    """The receive time the log commits to cannot be later than a witness saw the tree.

    This bounds a dishonest platform from above only; backdating within the bound is what
    earlier checkpoints and receipts held by terminals detect.
    """
    if witnessed_at is None:
        checks.append(Check("record.time", subject, "skip", "no cosignature bounds the time"))
    elif received_at <= witnessed_at + DEFAULT_SKEW:
        detail = f"received before the witness cosigned ({witnessed_at.isoformat()})"
        checks.append(Check("record.time", subject, "pass", detail))
    else:
        detail = (
            f"received {received_at.isoformat()}, after the cosignature {witnessed_at.isoformat()}"
        )
        checks.append(Check("record.time", subject, "fail", detail))


def _check_inclusion(
    bundle: EvidenceBundle,
    entry: bytes,
    index: int,
    proof: Sequence[bytes],
    checkpoint: Checkpoint | None,
    subject: str,
    checks: list[Check],
) -> bool:
    if checkpoint is None:
        checks.append(Check("record.inclusion", subject, "skip", "no verified checkpoint"))
        return False
    hasher = hasher_for(get_suite(bundle.suite).hash_name)
    try:
        verify_inclusion(
            hasher.leaf_hash(entry),
            index,
            checkpoint.size,
            proof,
            checkpoint.root_hash,
            hasher=hasher,
        )
    except TrustError as exc:
        checks.append(Check("record.inclusion", subject, "fail", str(exc)))
        return False
    checks.append(Check("record.inclusion", subject, "pass", f"leaf {index} of {checkpoint.size}"))
    return True


def _check_figure(
    bundle: EvidenceBundle,
    payloads: Mapping[str, bytes],
    recompute: FigureRecomputer | None,
    checks: list[Check],
) -> None:
    figure = bundle.figure
    if figure is None:
        return
    missing = sorted(
        n for n, i in figure.inputs.items() if any(r not in payloads for r in i.sources)
    )
    if missing:
        detail = f"inputs without a fully verified record: {', '.join(missing)}"
        checks.append(Check("figure.inputs", figure.formula, "fail", detail))
        return
    checks.append(
        Check("figure.inputs", figure.formula, "pass", f"{len(figure.inputs)} inputs verified")
    )
    _check_trust(bundle, figure, checks)
    if recompute is None:
        detail = (
            f"claimed {figure.value} {figure.unit}; no recomputation hook for formula "
            f"{figure.formula!r} is installed (the accounting core provides it)"
        )
        checks.append(Check("figure.recomputed", figure.formula, "skip", detail))
        return
    checks.append(recompute(figure, payloads, bundle.factor_library))


def _check_trust(bundle: EvidenceBundle, figure: FigureClaim, checks: list[Check]) -> None:
    """The figure's trust level: the lowest of its input records' (ADR 0183, 0210)."""
    kinds = {r.id: r.kind for r in bundle.records}
    used = {s for i in figure.inputs.values() for s in i.sources}
    unsigned = sorted(s for s in used if kinds.get(s) in UNSIGNED_KINDS)
    attested = sorted(s for s in used if kinds.get(s) in ATTESTED_KINDS)
    if unsigned:
        detail = f"unsigned_source: {len(unsigned)} of {len(used)} input records are unsigned"
        checks.append(Check("figure.trust", figure.formula, "skip", detail))
    elif attested:
        detail = (
            f"session_attested: {len(attested)} of {len(used)} input records were attested by"
            " the platform for the signed-in users who entered them, not signed by them; the"
            " others were signed at their source"
        )
        checks.append(Check("figure.trust", figure.formula, "pass", detail))
    else:
        detail = f"signed_source: all {len(used)} input records were signed at their source"
        people = sum(1 for s in used if kinds.get(s) == "lab-signed")
        if people:
            detail += f" ({people} lab records signed by the persons who entered them)"
        checks.append(Check("figure.trust", figure.formula, "pass", detail))
