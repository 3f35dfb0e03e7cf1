"""The evidence bundle document: a self-contained JSON (optionally zipped) proof package.

An auditor or the metrology institute gets everything needed to check a reported figure
offline: the signed envelopes as log entries, each with its inclusion proof, the signed and
cosigned checkpoint they are included in, the public keys with their lifecycle, the factor
library version, and the figure's claim (formula id, inputs referencing records, value)::

    {"format": "tanji-evidence-bundle/1", "suite": "ed25519-sha256", "tenant": "E-4201",
     "log": {"verifier_key": "<name+id+key>", "checkpoint": "<signed note>",
             "witnesses": ["<name+id+key>", …]},
     "keys": [{"public_key": "<PEM>", "owner": "T-4201-01", "tenant": "E-4201",
               "enrolled_at": "…Z", "revoked_at": null, "rotated_to": null}, …],
     "records": [{"id": "r1", "kind": "batch", "entry": "<base64 log entry>",
                  "leaf_index": 7, "inclusion_proof": ["<base64>", …]}, …],
     "factor_library": {"version": "2025.1", "digest": "<hex>"} | null,
     "factors": [{"id": "grid.national.2022", "key": "grid.national", "value": "0.5366",
                  "unit": "tCO2/MWh", "source": "…", "clause": "…"}, …],
     "figure": {"formula": "…", "inputs": {"name": {"record": "r1", "field": "…"}},
                "claimed": {"value": "123.4", "unit": "t"},
                "output": "co2_t", "period": {"start": "…Z", "end": "…Z"}} | null}

A record of kind ``batch`` carries a DSSE envelope signed at the source; a record of kind
``lab`` carries a platform record (:mod:`tanji.protocols.records`) that no source key signed
(its trust level is ``unsigned``); ``lab-attested`` the platform's DSSE attestation of a lab
record and the signed-in user who submitted it (:mod:`tanji.trust.attestation`, trust level
``session_attested``); ``lab-signed`` a lab record in a DSSE envelope signed by the submitting
person's own key, listed in ``keys`` like a terminal's (trust level ``signed``). ``factors``
(optional) lists the factor-library entries the figure uses, with their provenance, for the
verifier to compare with its own library.

An input names one record (``record``) or several (``records``: e.g. every batch of a period),
or none when its ``field`` names no record data (a factor-library entry). ``output`` and
``period`` are optional. The meaning of ``field`` belongs to the recomputer (see
docs/reference/evidence-bundle.md for the input-reference grammar); this module only carries it.

:func:`decode_bundle` checks the *shape* only (raising :class:`BundleError` with the JSON path);
the cryptographic checks are in :func:`tanji.trust.bundle.verify_bundle`, which reports rather
than raises.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tanji.trust.errors import BundleError
from tanji.trust.lifecycle import KeyRecord
from tanji.trust.merkle import MerkleTree

__all__ = [
    "ATTESTED_KINDS",
    "BUNDLE_FORMAT",
    "MAX_BUNDLE_BYTES",
    "UNSIGNED_KINDS",
    "BundleFactor",
    "BundleKey",
    "BundleRecord",
    "EvidenceBundle",
    "FigureClaim",
    "FigureInput",
    "bundle_key",
    "bundle_record",
    "decode_bundle",
    "encode_bundle",
    "write_bundle_zip",
]

BUNDLE_FORMAT = "tanji-evidence-bundle/1"
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
BUNDLE_MEMBER = "bundle.json"
#: Record kinds whose entry is a platform record rather than a source-signed envelope.
UNSIGNED_KINDS = frozenset({"lab"})
#: Record kinds whose entry is the platform's attestation of a record and its submitter.
ATTESTED_KINDS = frozenset({"lab-attested"})
_FACTOR_MEMBERS = ("id", "key", "value", "unit", "source", "clause")


@dataclass(frozen=True)
class BundleFactor:
    """A factor-library entry a figure uses: id, key, value (as text), unit and provenance."""

    id: str
    key: str
    value: str
    unit: str
    source: str
    clause: str


@dataclass(frozen=True)
class BundleKey:
    """A public key (PEM) with its owner, tenant and lifecycle times."""

    public_key: str
    owner: str
    tenant: str | None
    enrolled_at: datetime
    revoked_at: datetime | None = None
    rotated_to: str | None = None


@dataclass(frozen=True)
class BundleRecord:
    """A log entry (bytes), where it sits in the log and the proof of it."""

    id: str
    kind: str
    entry: bytes
    leaf_index: int
    inclusion_proof: tuple[bytes, ...]


@dataclass(frozen=True)
class FigureInput:
    """One input of the figure: the record(s) and the field of their payloads the formula reads.

    ``record`` is the single record of the original form; ``records`` lists several. An input
    with neither reads no record (e.g. ``factor(ENTRY_ID)``).
    """

    record: str
    field: str
    records: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Every record id the input reads, in bundle order of the claim."""
        return (*((self.record,) if self.record else ()), *self.records)


@dataclass(frozen=True)
class FigureClaim:
    """The figure a bundle supports: formula id, inputs by name, claimed value and unit."""

    formula: str
    inputs: dict[str, FigureInput]
    value: str
    unit: str
    output: str | None = None
    period: tuple[datetime, datetime] | None = None


@dataclass(frozen=True)
class EvidenceBundle:
    """The decoded document (see the module docstring)."""

    suite: str
    tenant: str | None
    verifier_key: str
    checkpoint: bytes
    witnesses: tuple[str, ...]
    keys: tuple[BundleKey, ...]
    records: tuple[BundleRecord, ...]
    factor_library: dict[str, str] | None = None
    figure: FigureClaim | None = None
    factors: tuple[BundleFactor, ...] = ()


def bundle_key(record: KeyRecord) -> BundleKey:
    """The bundle form of an enrolled key."""
    return BundleKey(
        record.key.to_pem().decode("ascii"),
        record.owner,
        record.tenant,
        record.enrolled_at,
        record.revoked_at,
        record.rotated_to,
    )


def bundle_record(
    record_id: str, kind: str, entry: bytes, index: int, tree: MerkleTree, size: int
) -> BundleRecord:
    """The bundle form of log entry ``index``, with its proof in the tree of ``size`` leaves."""
    return BundleRecord(record_id, kind, entry, index, tuple(tree.inclusion_proof(index, size)))


def encode_bundle(bundle: EvidenceBundle) -> bytes:
    """Pretty, stable JSON (indent 1, sorted keys) — bundles are read by people too."""
    return json.dumps(_to_json(bundle), indent=1, sort_keys=True, ensure_ascii=False).encode()


def write_bundle_zip(bundle: EvidenceBundle) -> bytes:
    """The bundle as a zip holding ``bundle.json`` (deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(BUNDLE_MEMBER, encode_bundle(bundle))
    return buffer.getvalue()


def decode_bundle(data: bytes) -> EvidenceBundle:
    """Read a bundle from JSON bytes or a zip holding ``bundle.json``.

    Raises:
        BundleError: ``trust.bundle_malformed`` naming the JSON path at fault, or
            ``trust.bundle_too_large``.
    """
    if data[:4] == b"PK\x03\x04":
        data = _unzip(data)
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(
            "trust.bundle_too_large",
            "bundle is {size} bytes; at most {limit}",
            size=len(data),
            limit=MAX_BUNDLE_BYTES,
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad("$", f"not UTF-8 JSON ({exc})") from None
    return _from_json(_Reader(document, "$"))


def _unzip(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(BUNDLE_MEMBER)
            if info.file_size > MAX_BUNDLE_BYTES:
                raise BundleError(
                    "trust.bundle_too_large",
                    "bundle.json unpacks to {size} bytes; at most {limit}",
                    size=info.file_size,
                    limit=MAX_BUNDLE_BYTES,
                )
            with archive.open(info) as member:
                content = member.read(MAX_BUNDLE_BYTES + 1)  # never trust the declared size
    except (zipfile.BadZipFile, KeyError):
        raise _bad("$", f"not a zip holding {BUNDLE_MEMBER}") from None
    return content


class _Reader:
    """Typed access to a JSON value that names its path in every error."""

    def __init__(self, value: Any, path: str) -> None:
        self.value, self.path = value, path

    def member(self, name: str, *, optional: bool = False) -> _Reader:
        if not isinstance(self.value, dict):
            raise _bad(self.path, "expected an object")
        if name not in self.value and not optional:
            raise _bad(f"{self.path}.{name}", "missing")
        return _Reader(self.value.get(name), f"{self.path}.{name}")

    def items(self) -> list[_Reader]:
        if not isinstance(self.value, list):
            raise _bad(self.path, "expected a list")
        return [_Reader(v, f"{self.path}[{i}]") for i, v in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str):
            raise _bad(self.path, "expected a string")
        try:
            self.value.encode("utf-8")  # JSON escapes can smuggle in lone surrogates
        except UnicodeEncodeError:
            raise _bad(self.path, "expected valid Unicode text") from None
        return self.value

    def optional_text(self) -> str | None:
        return None if self.value is None else self.text()

    def integer(self) -> int:
        if not isinstance(self.value, int) or isinstance(self.value, bool) or self.value < 0:
            raise _bad(self.path, "expected a non-negative integer")
        return self.value

    def b64(self) -> bytes:
        try:
            return base64.b64decode(self.text(), validate=True)
        except binascii.Error:
            raise _bad(self.path, "expected standard base64") from None

    def time(self) -> datetime:
        try:
            value = datetime.fromisoformat(self.text())
        except ValueError:
            raise _bad(self.path, "expected an ISO 8601 time") from None
        if value.tzinfo is None:
            raise _bad(self.path, "expected a time with a UTC offset")
        return value

    def optional_time(self) -> datetime | None:
        return None if self.value is None else self.time()


def _from_json(root: _Reader) -> EvidenceBundle:
    if root.member("format").text() != BUNDLE_FORMAT:
        raise _bad("$.format", f"expected {BUNDLE_FORMAT!r}")
    log = root.member("log")
    library = root.member("factor_library", optional=True)
    figure = root.member("figure", optional=True)
    factors = root.member("factors", optional=True)
    return EvidenceBundle(
        suite=root.member("suite").text(),
        tenant=root.member("tenant", optional=True).optional_text(),
        verifier_key=log.member("verifier_key").text(),
        checkpoint=log.member("checkpoint").text().encode("utf-8"),
        witnesses=tuple(w.text() for w in log.member("witnesses").items()),
        keys=tuple(_key(k) for k in root.member("keys").items()),
        records=_records(root.member("records")),
        factor_library=None if library.value is None else _library(library),
        figure=None if figure.value is None else _figure(figure),
        factors=() if factors.value is None else tuple(_factor(f) for f in factors.items()),
    )


def _factor(f: _Reader) -> BundleFactor:
    return BundleFactor(*(f.member(name).text() for name in _FACTOR_MEMBERS))


def _key(k: _Reader) -> BundleKey:
    return BundleKey(
        public_key=k.member("public_key").text(),
        owner=k.member("owner").text(),
        tenant=k.member("tenant", optional=True).optional_text(),
        enrolled_at=k.member("enrolled_at").time(),
        revoked_at=k.member("revoked_at", optional=True).optional_time(),
        rotated_to=k.member("rotated_to", optional=True).optional_text(),
    )


def _records(records: _Reader) -> tuple[BundleRecord, ...]:
    """The records, whose ids must be unique: the figure's inputs refer to them by id."""
    seen: set[str] = set()
    result = []
    for item in records.items():
        record = _record(item)
        if record.id in seen:
            raise _bad(f"{item.path}.id", f"duplicate record id {record.id!r}")
        seen.add(record.id)
        result.append(record)
    return tuple(result)


def _record(r: _Reader) -> BundleRecord:
    return BundleRecord(
        id=r.member("id").text(),
        kind=r.member("kind").text(),
        entry=r.member("entry").b64(),
        leaf_index=r.member("leaf_index").integer(),
        inclusion_proof=tuple(p.b64() for p in r.member("inclusion_proof").items()),
    )


def _library(library: _Reader) -> dict[str, str]:
    return {"version": library.member("version").text(), "digest": library.member("digest").text()}


def _figure(figure: _Reader) -> FigureClaim:
    inputs = figure.member("inputs")
    if not isinstance(inputs.value, dict):
        raise _bad(inputs.path, "expected an object of named inputs")
    claimed = figure.member("claimed")
    period = figure.member("period", optional=True)
    return FigureClaim(
        formula=figure.member("formula").text(),
        inputs={name: _figure_input(inputs.member(name)) for name in inputs.value},
        value=claimed.member("value").text(),
        unit=claimed.member("unit").text(),
        output=figure.member("output", optional=True).optional_text(),
        period=None
        if period.value is None
        else (period.member("start").time(), period.member("end").time()),
    )


def _figure_input(item: _Reader) -> FigureInput:
    records = item.member("records", optional=True)
    return FigureInput(
        item.member("record", optional=True).optional_text() or "",
        item.member("field").text(),
        () if records.value is None else tuple(r.text() for r in records.items()),
    )


def _to_json(bundle: EvidenceBundle) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "suite": bundle.suite,
        "tenant": bundle.tenant,
        "log": {
            "verifier_key": bundle.verifier_key,
            "checkpoint": bundle.checkpoint.decode("utf-8"),
            "witnesses": list(bundle.witnesses),
        },
        "keys": [_key_json(k) for k in bundle.keys],
        "records": [_record_json(r) for r in bundle.records],
        "factor_library": bundle.factor_library,
        "figure": None if bundle.figure is None else _figure_json(bundle.figure),
        "factors": [{n: getattr(f, n) for n in _FACTOR_MEMBERS} for f in bundle.factors],
    }


def _key_json(k: BundleKey) -> dict[str, Any]:
    return {
        "public_key": k.public_key,
        "owner": k.owner,
        "tenant": k.tenant,
        "enrolled_at": k.enrolled_at.isoformat(),
        "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        "rotated_to": k.rotated_to,
    }


def _record_json(r: BundleRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "entry": base64.b64encode(r.entry).decode("ascii"),
        "leaf_index": r.leaf_index,
        "inclusion_proof": [base64.b64encode(p).decode("ascii") for p in r.inclusion_proof],
    }


def _figure_json(figure: FigureClaim) -> dict[str, Any]:
    document: dict[str, Any] = {
        "formula": figure.formula,
        "inputs": {n: _input_json(i) for n, i in figure.inputs.items()},
        "claimed": {"value": figure.value, "unit": figure.unit},
    }
    if figure.output is not None:
        document["output"] = figure.output
    if figure.period is not None:
        start, end = figure.period
        document["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    return document


def _input_json(item: FigureInput) -> dict[str, Any]:
    """The original ``record`` form when it applies, so older readers keep working."""
    document: dict[str, Any] = {"field": item.field}
    if item.record:
        document["record"] = item.record
    if item.records:
        document["records"] = list(item.records)
    return document


def _bad(path: str, reason: str) -> BundleError:
    return BundleError(
        "trust.bundle_malformed", "bundle {path}: {reason}", path=path, reason=reason
    )
