"""Loader and lookups of the emission-factor library (``data/manifest.yaml`` + entry files).

The library version of the manifest travels with every result (:class:`FactorUse`), so that a
closed period can be shown with the figures it was computed with; recomputing with a newer library
is an explicit act (see :mod:`tanji.accounting.period`). The content digest lets a verifier check
that a stated version is the library actually used.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tanji.accounting.errors import FactorError

DATA_DIR = Path(__file__).resolve().parent / "data"
#: libyaml's safe loader when present (≈10× faster), the pure-Python one otherwise.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_REQUIRED = ("id", "key", "value", "unit", "source", "clause", "confidence", "valid_from")


class Confidence(enum.StrEnum):
    """Confidence tag of a value, as the reference research assigns it."""

    F = "F"  #: found in a primary text
    F3 = "F3"  #: found in third-party material citing the official document
    R = "R"  #: recalled, not re-verified — verify before relying on it
    I = "I"  #: inferred / engineering estimate  # noqa: E741


class Origin(enum.StrEnum):
    """Where a parameter value came from (MEE template: 缺省值/实测值)."""

    DEFAULT = "default"  #: library default
    MEASURED = "measured"  #: tenant's measured value replacing the default


@dataclass(frozen=True)
class FactorEntry:
    """One default value with its provenance and validity (valid_to None = until superseded)."""

    id: str
    key: str
    value: float
    unit: str
    source: str
    clause: str
    confidence: Confidence
    valid_from: dt.date
    valid_to: dt.date | None
    attributes: Mapping[str, Any]

    def valid_on(self, day: dt.date) -> bool:
        """Whether the entry applies on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class FactorUse:
    """The record a result keeps of a parameter value it used.

    Attributes:
        parameter: the formula input it fed (e.g. ``kiln_coal.carbon_content_tc_per_gj``).
        value: value used, in the unit the formula expects.
        unit: that unit.
        origin: library default or tenant measurement.
        entry_id: library entry id (None for a measurement without a default).
        library_version: version of the library consulted.
        source: source document (library) or the tenant's evidence reference (measurement).
        confidence: tag of the default; None for measurements.
    """

    parameter: str
    value: float
    unit: str
    origin: Origin
    entry_id: str | None
    library_version: str
    source: str
    confidence: Confidence | None = None


@dataclass(frozen=True)
class FactorLibrary:
    """The loaded library: version, content digest and entries grouped by key."""

    version: str
    digest: str
    entries: Mapping[str, tuple[FactorEntry, ...]]

    def lookup(self, key: str, on: dt.date) -> FactorEntry:
        """The entry for ``key`` valid on ``on``.

        Raises:
            FactorError: no entry for the key, or none valid on that date.
        """
        candidates = self.entries.get(key)
        if not candidates:
            raise FactorError(
                "factors.unknown_key",
                "the factor library {version} has no entry {key!r}",
                key=key,
                version=self.version,
            )
        for entry in candidates:
            if entry.valid_on(on):
                return entry
        raise FactorError(
            "factors.not_valid",
            "no entry {key!r} of the factor library {version} is valid on {date}",
            key=key,
            version=self.version,
            date=on.isoformat(),
        )

    def by_id(self, entry_id: str) -> FactorEntry:
        """The entry with id ``entry_id`` (for re-displaying what a result used)."""
        for group in self.entries.values():
            for entry in group:
                if entry.id == entry_id:
                    return entry
        raise FactorError(
            "factors.unknown_id",
            "the factor library {version} has no entry with id {id!r}",
            id=entry_id,
            version=self.version,
        )

    def use(self, parameter: str, key: str, on: dt.date) -> FactorUse:
        """Look up a default and return the record a result keeps of it."""
        entry = self.lookup(key, on)
        return FactorUse(
            parameter=parameter,
            value=entry.value,
            unit=entry.unit,
            origin=Origin.DEFAULT,
            entry_id=entry.id,
            library_version=self.version,
            source=f"{entry.source}; {entry.clause}",
            confidence=entry.confidence,
        )


def load_library(directory: Path | None = None) -> FactorLibrary:
    """Load the library from ``directory`` (default: the packaged ``data/``).

    Raises:
        FactorError: missing manifest or file, malformed entry, duplicate id.
    """
    root = directory or DATA_DIR
    manifest = _read_yaml(root / "manifest.yaml")
    if manifest.get("format") != "tanji-factors/1" or not isinstance(manifest.get("files"), list):
        raise FactorError(
            "factors.bad_manifest",
            "{path}: expected format 'tanji-factors/1' with a list 'files'",
            path="manifest.yaml",
        )
    digest = hashlib.sha256()
    grouped: dict[str, list[FactorEntry]] = {}
    ids: set[str] = set()
    for name in manifest["files"]:
        for row, raw in enumerate(_read_yaml(root / str(name), digest).get("entries") or []):
            entry = _entry(raw, str(name), row)
            if entry.id in ids:
                raise FactorError(
                    "factors.duplicate_id",
                    "{file} entry {row}: id {id!r} is already used",
                    file=name,
                    row=row,
                    id=entry.id,
                )
            ids.add(entry.id)
            grouped.setdefault(entry.key, []).append(entry)
    entries = {
        k: tuple(sorted(v, key=lambda e: e.valid_from, reverse=True)) for k, v in grouped.items()
    }
    return FactorLibrary(str(manifest.get("version")), digest.hexdigest(), entries)


def _read_yaml(path: Path, digest: Any = None) -> dict[str, Any]:
    """A YAML mapping, or a precise error naming the file.

    The file is read once: its bytes feed ``digest`` (the library digest), when given, and the
    parser.
    """
    try:
        content = path.read_bytes()
    except OSError:
        raise FactorError(
            "factors.missing_file", "factor file {path} not found", path=path.name
        ) from None
    if digest is not None:
        digest.update(content)
    data = yaml.load(content.decode("utf-8"), Loader=_LOADER)
    if not isinstance(data, dict):
        raise FactorError("factors.bad_file", "{path}: expected a YAML mapping", path=path.name)
    return data


def _entry(raw: Any, file: str, row: int) -> FactorEntry:
    """Validate one entry mapping."""
    missing = [f for f in _REQUIRED if not isinstance(raw, dict) or f not in raw]
    if missing:
        raise FactorError(
            "factors.missing_field",
            "{file} entry {row}: missing field(s) {fields}",
            file=file,
            row=row,
            fields=", ".join(missing),
        )
    try:
        confidence = Confidence(str(raw["confidence"]))
        value = float(raw["value"])
        valid_from = _date(raw["valid_from"])
        valid_to = None if raw.get("valid_to") is None else _date(raw["valid_to"])
    except (TypeError, ValueError) as exc:
        raise FactorError(
            "factors.bad_field",
            "{file} entry {row} ({id}): {detail}; expected value a number, confidence one of"
            " F/F3/R/I, dates YYYY-MM-DD",
            file=file,
            row=row,
            id=raw.get("id"),
            detail=str(exc),
        ) from None
    extra = {k: v for k, v in raw.items() if k not in _REQUIRED and k != "valid_to"}
    return FactorEntry(
        id=str(raw["id"]),
        key=str(raw["key"]),
        value=value,
        unit=str(raw["unit"]),
        source=str(raw["source"]),
        clause=str(raw["clause"]),
        confidence=confidence,
        valid_from=valid_from,
        valid_to=valid_to,
        attributes=extra,
    )


def _date(value: Any) -> dt.date:
    """A date from YAML (already a date) or an ISO string."""
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
