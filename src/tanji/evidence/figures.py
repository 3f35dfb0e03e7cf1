"""The figure of an evidence bundle: computed at export, recomputed offline by ``tanji verify``.

Both directions run the same code: the input references of :mod:`tanji.accounting.figure`
resolved over the readings of signed batches (decoded with :mod:`tanji.protocols.readings`),
factor values from :func:`tanji.accounting.factors.load_library`, and the formula registry of
:mod:`tanji.accounting.cases`. This module imports no Django (an import-linter contract keeps
it so): ``tanji verify`` composes :func:`recompute_figure` as the
:data:`tanji.trust.bundle.FigureRecomputer` hook and runs without the platform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from tanji.accounting.cases import formula
from tanji.accounting.errors import AccountingError
from tanji.accounting.factors import FactorLibrary, load_library
from tanji.accounting.figure import (
    REL_TOL,
    Reference,
    Sample,
    agrees,
    evaluate,
    parse_reference,
    resolve,
)
from tanji.errors import CodedError
from tanji.protocols.readings import QualityFlag, decode_batch
from tanji.protocols.records import LAB_FORMATS, lab_readings, record_format
from tanji.trust.bundle import Check
from tanji.trust.bundle_document import BundleFactor, FigureClaim, FigureInput

__all__ = [
    "FigureSpec",
    "bundle_factors",
    "check_factors",
    "claim_figure",
    "coal_combustion",
    "recompute_figure",
]

#: The fuel whose library defaults :func:`coal_combustion` uses unless told otherwise.
DEFAULT_COAL = "fuel.gbt32151_2015.bituminous_coal"


@dataclass(frozen=True)
class FigureSpec:
    """What to claim: formula id, input name → reference text, output, unit and period."""

    formula: str
    inputs: Mapping[str, str]
    unit: str = "t CO2"
    output: str | None = None
    period: tuple[datetime, datetime] | None = None


def coal_combustion(
    tag: str,
    *,
    seconds: float = 60.0,
    fuel: str = DEFAULT_COAL,
    period: tuple[datetime, datetime] | None = None,
) -> FigureSpec:
    """CO2 of the coal a scale tag (t/h, read every ``seconds``) fed, with library NCV/CC/OF.

    GB/T 32151.8 fossil fuel combustion: FC × NCV × CC × OF × 44/12, FC the scale's total.
    ``fuel`` is the library key prefix of the three defaults (``<fuel>.ncv`` …).
    """
    return FigureSpec(
        "fuel_combustion",
        {
            "consumption_t": f"total({tag}, t/h, {seconds:g})",
            "ncv_gj_per_t": f"factor({fuel}.ncv)",
            "carbon_content_tc_per_gj": f"factor({fuel}.carbon_content)",
            "oxidation_rate": f"factor({fuel}.oxidation_rate)",
        },
        period=period,
    )


def claim_figure(
    spec: FigureSpec, payloads: Mapping[str, bytes], library: FactorLibrary | None = None
) -> FigureClaim:
    """Compute ``spec`` over the batch ``payloads`` (record id → bytes) and state the claim.

    Reading references name every record (the resolver keeps only the tag's readings).

    Raises:
        AccountingError: a bad reference, formula or input; no readings of a tag.
        BatchFormatError: a payload that is not a batch.
    """
    library = library or load_library()
    references = {n: parse_reference(t, f"figure input {n!r}") for n, t in spec.inputs.items()}
    ids = tuple(payloads)
    inputs = {
        name: FigureInput("", spec.inputs[name], ids if ref.reads_records else ())
        for name, ref in references.items()
    }
    claim = FigureClaim(spec.formula, inputs, "0", spec.unit, spec.output, spec.period)
    value, _ = _compute(claim, references, payloads, library)
    return FigureClaim(spec.formula, inputs, repr(value), spec.unit, spec.output, spec.period)


def recompute_figure(
    claim: FigureClaim, payloads: Mapping[str, bytes], factor_library: Mapping[str, str] | None
) -> Check:
    """The ``figure.recomputed`` check: recompute ``claim`` and compare (see the module doc).

    *skip* when the bundle cannot be recomputed here (an input that is not a reference, an
    unknown formula, another factor-library version); *fail* when the data does not give the
    claimed value; *pass* with both values and the tolerance otherwise.
    """
    subject = claim.formula
    try:
        formula(claim.formula, where="figure")
        references = {
            n: parse_reference(i.field, f"figure input {n!r}") for n, i in claim.inputs.items()
        }
        library = _library_for(references, factor_library)
    except CodedError as exc:
        return Check("figure.recomputed", subject, "skip", f"cannot recompute: {exc}")
    try:
        claimed = float(claim.value)
    except ValueError:
        detail = f"claimed value {claim.value!r} is not a number"
        return Check("figure.recomputed", subject, "fail", detail)
    try:
        value, notes = _compute(claim, references, payloads, library)
    except CodedError as exc:
        return Check("figure.recomputed", subject, "fail", f"not reproducible: {exc}")
    same = agrees(claimed, value)
    detail = (
        f"recomputed {value!r} {claim.unit} {'=' if same else '≠'} claimed {claim.value} "
        f"(relative tolerance {REL_TOL:g}); {'; '.join(notes)}"
    )
    return Check("figure.recomputed", subject, "pass" if same else "fail", detail)


def _library_for(
    references: Mapping[str, Reference], stated: Mapping[str, str] | None
) -> FactorLibrary | None:
    """The shipped library when the figure uses factors and the bundle names its version.

    Raises:
        AccountingError: ``figure.library_mismatch`` — no version stated, another version, or
            the same version with other content (digest).
    """
    if not any(r.function == "factor" for r in references.values()):
        return None
    shipped = load_library()
    version, digest = (stated or {}).get("version"), (stated or {}).get("digest")
    if version != shipped.version or digest != shipped.digest:
        raise AccountingError(
            "figure.library_mismatch",
            "the figure uses factor library {stated} (digest {digest}); this verifier ships"
            " {shipped} (digest {shipped_digest}) — verify with the matching tanji release",
            stated=version or "(none stated)",
            digest=(digest or "none")[:12],
            shipped=shipped.version,
            shipped_digest=shipped.digest[:12],
        )
    return shipped


def _compute(
    claim: FigureClaim,
    references: Mapping[str, Reference],
    payloads: Mapping[str, bytes],
    library: FactorLibrary | None,
) -> tuple[float, list[str]]:
    """The figure's value and a note per input (value and where it came from)."""
    decoded: dict[str, list[Sample]] = {}
    values: dict[str, float] = {}
    notes: list[str] = []
    for name, ref in references.items():
        where = f"figure input {name!r}"
        if ref.function == "const":
            values[name] = ref.number
            notes.append(f"{name}={ref.number!r} {ref.unit} (declared)")
            continue
        if not ref.reads_records:
            if library is None:
                library = load_library()
            values[name] = library.by_id(ref.entry).value
            notes.append(f"{name}={values[name]!r} (factor {ref.entry}, {library.version})")
            continue
        samples = _samples(claim.inputs[name].sources, payloads, decoded)
        values[name], count = resolve(ref, samples, where, claim.period)
        notes.append(f"{name}={values[name]!r} ({ref.function} of {count} readings of {ref.tag})")
    return evaluate(claim.formula, values, claim.output), notes


def _samples(
    sources: Sequence[str], payloads: Mapping[str, bytes], cache: dict[str, list[Sample]]
) -> list[Sample]:
    """The readings of the named records (batches or lab records), each decoded once."""
    samples: list[Sample] = []
    for record in sources:
        if record not in cache:
            cache[record] = _record_samples(payloads[record])
        samples.extend(cache[record])
    return samples


def _record_samples(payload: bytes) -> list[Sample]:
    """A lab record's results (valid, at the sampling time) or a signed batch's readings."""
    if record_format(payload) in LAB_FORMATS:
        return [Sample(r.tag, r.time, r.value, r.unit, True) for r in lab_readings(payload)]
    batch = decode_batch(payload)
    return [
        Sample(r.tag, r.time, r.value, r.unit, r.flag is QualityFlag.NORMAL) for r in batch.readings
    ]


def _factor_ids(claim_inputs: Mapping[str, str]) -> list[str]:
    """The factor-library entries the inputs name (bad references are the recomputer's)."""
    ids = []
    for name, text in claim_inputs.items():
        try:
            ref = parse_reference(text, f"figure input {name!r}")
        except CodedError:
            continue
        if ref.function == "factor":
            ids.append(ref.entry)
    return sorted(set(ids))


def bundle_factors(
    spec_inputs: Mapping[str, str], library: FactorLibrary
) -> tuple[BundleFactor, ...]:
    """The entries a figure uses, with provenance, as the bundle carries them."""
    entries = [library.by_id(i) for i in _factor_ids(spec_inputs)]
    return tuple(
        BundleFactor(e.id, e.key, repr(e.value), e.unit, e.source, e.clause) for e in entries
    )


def check_factors(
    claim: FigureClaim, factors: Sequence[BundleFactor], stated: Mapping[str, str] | None
) -> list[Check]:
    """One ``factor.entry`` check per factor the figure uses (the :data:`FactorChecker` hook).

    *fail* when the bundle lacks the entry or states another value, unit, source or clause
    than this verifier's library of the same version; *skip* for another library version.
    """
    shipped = load_library()
    same = (stated or {}).get("version") == shipped.version
    same = same and (stated or {}).get("digest") == shipped.digest
    given = {f.id: f for f in factors}
    checks = []
    for entry_id in _factor_ids({n: i.field for n, i in claim.inputs.items()}):
        found = given.get(entry_id)
        if found is None:
            checks.append(Check("factor.entry", entry_id, "fail", "not in the bundle's factors"))
        elif not same:
            detail = f"library {(stated or {}).get('version')} is not this verifier's"
            checks.append(Check("factor.entry", entry_id, "skip", detail))
        else:
            checks.append(_compare_factor(found, shipped))
    return checks


def _compare_factor(found: BundleFactor, library: FactorLibrary) -> Check:
    try:
        (expected,) = bundle_factors({"f": f"factor({found.id})"}, library)
    except CodedError as exc:
        return Check("factor.entry", found.id, "fail", str(exc))
    if found != expected:
        diff = [
            f"{name} {getattr(found, name)!r} ≠ {getattr(expected, name)!r}"
            for name in ("key", "value", "unit", "source", "clause")
            if getattr(found, name) != getattr(expected, name)
        ]
        return Check("factor.entry", found.id, "fail", f"altered: {'; '.join(diff)}")
    detail = f"{found.value} {found.unit} ({found.source}; {found.clause}), {library.version}"
    return Check("factor.entry", found.id, "pass", detail)
