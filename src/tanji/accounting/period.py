"""Evaluation of a reporting period: sources → boundaries, with factor provenance and GUM.

All sources of an activity file become ONE model over named inputs: measured values are named
``<source>.<input>``, library defaults ``default.<key>`` and production quantities
``production.<name>``, so a default or a production figure used by several sources is one input
(fully correlated, as it is). First-order GUM over that model gives the uncertainty of every source,
of both boundary totals and of the intensities (JJF 1059.1; GB/T 32151.8-2023 cl. 7 data quality).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tanji.accounting.activity import ActivityFile, InputSpec, SourceSpec
from tanji.accounting.boundaries import Boundary, Category, Method, Scope, boundaries_for
from tanji.accounting.errors import AccountingError, FactorError
from tanji.accounting.factors import FactorLibrary, FactorUse, Origin
from tanji.accounting.quantities import convert, unit_of_input
from tanji.accounting.uncertainty import GumResult, propagate

#: Product whose tonnes divide each boundary's total (intensity t CO2/t).
INTENSITY_BASIS = {Boundary.CLINKER: "clinker_t", Boundary.ENTERPRISE: "cement_t"}


@dataclass(frozen=True)
class SourceResult:
    """Emission of one source in the period."""

    id: str
    name: str
    category: Category
    method: Method
    scope: Scope
    boundaries: frozenset[Boundary]
    co2_t: float
    u_co2_t: float
    biogenic_co2_t: float
    outputs: Mapping[str, float]
    factors: tuple[FactorUse, ...]


@dataclass(frozen=True)
class BoundaryResult:
    """Total of a boundary with its standard uncertainty and intensity."""

    boundary: Boundary
    co2_t: float
    u_co2_t: float
    by_category: Mapping[Category, float]
    intensity_tco2_per_t: float | None
    u_intensity_tco2_per_t: float | None


@dataclass(frozen=True)
class PeriodResult:
    """A computed period; carries the factor-library version that produced it."""

    enterprise: str
    period_start: str
    period_end: str
    library_version: str
    library_digest: str
    sources: tuple[SourceResult, ...]
    boundaries: Mapping[Boundary, BoundaryResult]
    gum: GumResult


class _Inputs:
    """Collects named inputs, their uncertainties and the factor records of a period."""

    def __init__(self, library: FactorLibrary, activity: ActivityFile) -> None:
        self.library, self.activity = library, activity
        self.values: dict[str, Any] = {}
        self.u: dict[str, float] = {}
        self.uses: dict[str, list[FactorUse]] = {}

    def resolve(self, owner: str, spec: InputSpec) -> str:
        """Name of the model input serving ``spec``; records its value, u and provenance."""
        if spec.ref is not None:
            return self._reference(owner, spec)
        if spec.value is not None:
            name = f"{owner}.{spec.name}"
            self._store(name, spec.value, spec)
            replaced = self._default_id(spec.default) if spec.default else None
            self.record(
                owner,
                FactorUse(
                    spec.name,
                    spec.value,
                    unit_of_input(spec.name),
                    Origin.MEASURED,
                    replaced,
                    self.library.version,
                    spec.source or "measured",
                ),
            )
            return name
        assert spec.default is not None  # parse_input guarantees value, default or ref
        use = self.library.use(spec.name, spec.default, self.activity.period_start)
        value = convert(use.value, use.unit, unit_of_input(spec.name))
        name = f"default.{spec.default}"
        self._store(name, value, spec)
        self.record(owner, use)
        return name

    def _reference(self, owner: str, spec: InputSpec) -> str:
        key = str(spec.ref).removeprefix("production.")
        target = self.activity.production.get(key)
        if target is None:
            raise AccountingError(
                "activity.invalid",
                "{where}: 'ref' names {ref!r}, which the production section does not give",
                where=f"{owner}.inputs.{spec.name}",
                ref=spec.ref,
            )
        return self.resolve("production", target)

    def _default_id(self, key: str) -> str:
        return self.library.lookup(key, self.activity.period_start).id

    def _store(self, name: str, value: float, spec: InputSpec) -> None:
        self.values[name] = value
        u = spec.u if spec.u is not None else (abs(value) * spec.u_rel if spec.u_rel else 0.0)
        if u > 0:
            self.u[name] = u

    def record(self, owner: str, use: FactorUse) -> None:
        self.uses.setdefault(owner, []).append(use)


def _deductions(source: SourceSpec, inputs: _Inputs) -> list[dict[str, Any]]:
    rows = []
    for item in source.deductions:
        factor = item.get("deduction_tco2_per_t")
        if factor is None:
            use = inputs.library.use(
                "deduction_tco2_per_t", item["default"], inputs.activity.period_start
            )
            inputs.record(source.id, use)
            factor = use.value
        rows.append(
            {
                "material": item["material"],
                "material_t": item["material_t"],
                "deduction_tco2_per_t": factor,
            }
        )
    return rows


def _check_version(activity: ActivityFile, library: FactorLibrary, recompute: bool) -> None:
    pinned = activity.factor_library_version
    if pinned is not None and pinned != library.version and not recompute:
        raise FactorError(
            "factors.version_mismatch",
            "the period was computed with factor library {pinned}; this is library {current}."
            " A closed period is recomputed only on request (recompute=True, tanji calc"
            " --recompute)",
            pinned=pinned,
            current=library.version,
        )


def evaluate_period(
    activity: ActivityFile, library: FactorLibrary, *, recompute: bool = False
) -> PeriodResult:
    """Emissions of every source and both boundaries, with uncertainty and provenance.

    Args:
        activity: the validated activity file.
        library: factor library to take defaults from.
        recompute: allow a library other than the one the file pins (explicit recomputation).

    Raises:
        FactorError: pinned library version differs and ``recompute`` is false; unknown key.
        AccountingError: a reference to an absent production quantity.
    """
    _check_version(activity, library, recompute)
    inputs = _Inputs(library, activity)
    wiring: dict[str, dict[str, str]] = {}
    constants: dict[str, list[dict[str, Any]]] = {}
    for source in activity.sources:
        wiring[source.id] = {n: inputs.resolve(source.id, s) for n, s in source.inputs.items()}
        if source.formula.list_inputs:
            constants[source.id] = _deductions(source, inputs)
    products = {
        b: inputs.resolve("production", activity.production[p])
        for b, p in INTENSITY_BASIS.items()
        if p in activity.production
    }
    model = _period_model(activity.sources, wiring, constants, products)
    gum = propagate(model, inputs.values, inputs.u, activity.correlations)
    return _result(activity, library, gum, inputs)


def _period_model(
    sources: tuple[SourceSpec, ...],
    wiring: Mapping[str, Mapping[str, str]],
    constants: Mapping[str, list[dict[str, Any]]],
    products: Mapping[Boundary, str],
) -> Any:
    """The whole period as one model (named inputs → per-source and boundary outputs)."""

    def model(x: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        totals: dict[Boundary, Any] = {b: 0.0 for b in Boundary}
        for source in sources:
            sub: dict[str, Any] = {n: x[name] for n, name in wiring[source.id].items()}
            sub.update({n: constants[source.id] for n in source.formula.list_inputs})
            for key, value in source.formula.model(sub).items():
                out[f"{source.id}.{key}"] = value
            emission = out[f"{source.id}.{source.formula.emission_output}"]
            for boundary in boundaries_for(source.formula.category, source.scope):
                totals[boundary] = totals[boundary] + emission
        for boundary, total in totals.items():
            out[f"boundary.{boundary.value}.co2_t"] = total
            if boundary in products:
                out[f"boundary.{boundary.value}.intensity_tco2_per_t"] = (
                    total / x[products[boundary]]
                )
        return out

    return model


def _source_result(s: SourceSpec, gum: GumResult, inputs: _Inputs) -> SourceResult:
    emitted = f"{s.id}.{s.formula.emission_output}"
    outputs = {k.split(".", 1)[1]: v for k, v in gum.values.items() if k.startswith(f"{s.id}.")}
    return SourceResult(
        id=s.id,
        name=s.name,
        category=s.formula.category,
        method=s.method,
        scope=s.scope,
        boundaries=boundaries_for(s.formula.category, s.scope),
        co2_t=gum.values[emitted],
        u_co2_t=gum.u[emitted],
        biogenic_co2_t=outputs.get("biogenic_co2_t", 0.0),
        outputs=outputs,
        factors=tuple(inputs.uses.get(s.id, ())),
    )


def _boundary_result(b: Boundary, sources: list[SourceResult], gum: GumResult) -> BoundaryResult:
    by_category: dict[Category, float] = {}
    for r in sources:
        if b in r.boundaries:
            by_category[r.category] = by_category.get(r.category, 0.0) + r.co2_t
    key = f"boundary.{b.value}"
    intensity = f"{key}.intensity_tco2_per_t"
    return BoundaryResult(
        boundary=b,
        co2_t=gum.values[f"{key}.co2_t"],
        u_co2_t=gum.u[f"{key}.co2_t"],
        by_category=by_category,
        intensity_tco2_per_t=gum.values.get(intensity),
        u_intensity_tco2_per_t=gum.u.get(intensity),
    )


def _result(
    activity: ActivityFile, library: FactorLibrary, gum: GumResult, inputs: _Inputs
) -> PeriodResult:
    sources = [_source_result(s, gum, inputs) for s in activity.sources]
    return PeriodResult(
        enterprise=activity.enterprise,
        period_start=activity.period_start.isoformat(),
        period_end=activity.period_end.isoformat(),
        library_version=library.version,
        library_digest=library.digest,
        sources=tuple(sources),
        boundaries={b: _boundary_result(b, sources, gum) for b in Boundary},
        gum=gum,
    )
