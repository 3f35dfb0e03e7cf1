"""Verifying an evidence bundle offline, check by check (R7.3, R9.4).

:func:`verify_bundle` never stops at the first failure: it reports every check it made as a
:class:`Check` (``pass``, ``fail`` or ``skip`` with a precise detail), so a reviewer sees what
was proven and what was not. The checks:

1. ``log.key_pinned`` — the bundle's log key is one the caller trusts (skipped when none given:
   the bundle then only proves self-consistency; the fingerprint is shown to compare).
2. ``checkpoint.signature`` — the log signed the checkpoint (C2SP signed-note).
3. ``checkpoint.cosignature`` — each witness named (or pinned) cosigned it.
4. per record: ``record.entry`` (canonical log entry), ``record.inclusion`` (RFC 9162 proof to
   the checkpoint root), ``record.signature`` (DSSE, by a key in the bundle),
   ``record.key_valid`` (the key was enrolled, not revoked, of the bundle's tenant at the
   committed receive time).
5. ``figure.inputs`` — each input names a record whose checks passed.
6. ``figure.recomputed`` — the hook recomputes the figure; the accounting core supplies it. Without
   a hook the check is *skipped*, never faked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tanji.trust.bundle_document import BundleRecord, EvidenceBundle, FigureClaim
from tanji.trust.checkpoint import Checkpoint, cosigner, open_checkpoint, verify_cosignatures
from tanji.trust.dsse import decode_envelope, verify_envelope
from tanji.trust.entries import decode_log_entry
from tanji.trust.errors import TrustError
from tanji.trust.hashes import hasher_for
from tanji.trust.keys import PublicKey, load_public_key
from tanji.trust.lifecycle import KeyRecord, resolve_key
from tanji.trust.note import Note, NoteVerifier, parse_verifier_key
from tanji.trust.proofs import verify_inclusion
from tanji.trust.suites import get_suite

__all__ = ["Check", "FigureRecomputer", "verdict", "verify_bundle"]

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


def verify_bundle(
    bundle: EvidenceBundle,
    *,
    trusted_logs: Sequence[NoteVerifier] = (),
    trusted_witnesses: Sequence[NoteVerifier] = (),
    recompute: FigureRecomputer | None = None,
) -> list[Check]:
    """Run every check on ``bundle`` and return them in order (see the module docstring)."""
    checks: list[Check] = []
    log = _log_verifier(bundle, trusted_logs, checks)
    if log is None:
        return checks
    checkpoint = _checkpoint(bundle, log, trusted_witnesses, checks)
    records = _key_records(bundle, checks)
    payloads: dict[str, bytes] = {}
    for record in bundle.records:
        payload = _check_record(bundle, record, checkpoint, records, checks)
        if payload is not None:
            payloads[record.id] = payload
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
) -> Checkpoint | None:
    try:
        checkpoint, note = open_checkpoint(bundle.checkpoint, log)
    except TrustError as exc:
        checks.append(Check("checkpoint.signature", "checkpoint", "fail", str(exc)))
        return None
    detail = f"{checkpoint.origin} size {checkpoint.size} signed by {log.name}"
    checks.append(Check("checkpoint.signature", "checkpoint", "pass", detail))
    _check_cosignatures(bundle, note, trusted_witnesses, checks)
    return checkpoint


def _check_cosignatures(
    bundle: EvidenceBundle, note: Note, trusted: Sequence[NoteVerifier], checks: list[Check]
) -> None:
    witnesses = list(trusted)
    for text in bundle.witnesses:
        try:
            named = parse_verifier_key(text)
        except TrustError as exc:
            checks.append(Check("checkpoint.cosignature", text, "fail", str(exc)))
            continue
        if not trusted:
            witnesses.append(named)
    for witness in witnesses:
        as_cosigner = cosigner(witness.name, witness.key)
        try:
            (cosig,) = verify_cosignatures(note, [as_cosigner])
        except TrustError as exc:
            checks.append(Check("checkpoint.cosignature", witness.name, "fail", str(exc)))
            continue
        detail = f"cosigned at {cosig.timestamp} (POSIX s) by key {witness.key.key_id[:16]}…"
        checks.append(Check("checkpoint.cosignature", witness.name, "pass", detail))


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


def _check_record(
    bundle: EvidenceBundle,
    record: BundleRecord,
    checkpoint: Checkpoint | None,
    key_records: list[KeyRecord],
    checks: list[Check],
) -> bytes | None:
    subject = f"record {record.id}"
    try:
        entry = decode_log_entry(record.entry)
        envelope = decode_envelope(entry.envelope)
    except TrustError as exc:
        checks.append(Check("record.entry", subject, "fail", str(exc)))
        return None
    checks.append(
        Check("record.entry", subject, "pass", f"received {entry.received_at.isoformat()}")
    )
    included = _check_inclusion(
        bundle, record.entry, record.leaf_index, record.inclusion_proof, checkpoint, subject, checks
    )
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
    missing = sorted(n for n, i in figure.inputs.items() if i.record not in payloads)
    if missing:
        detail = f"inputs without a fully verified record: {', '.join(missing)}"
        checks.append(Check("figure.inputs", figure.formula, "fail", detail))
        return
    checks.append(
        Check("figure.inputs", figure.formula, "pass", f"{len(figure.inputs)} inputs verified")
    )
    if recompute is None:
        detail = (
            f"claimed {figure.value} {figure.unit}; no recomputation hook for formula "
            f"{figure.formula!r} is installed (the accounting core provides it)"
        )
        checks.append(Check("figure.recomputed", figure.formula, "skip", detail))
        return
    checks.append(recompute(figure, payloads, bundle.factor_library))
