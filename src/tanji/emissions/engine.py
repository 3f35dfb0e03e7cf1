"""The engine: hourly figures of one scope by every method the data allows, and which counts.

For each hour with data: every bound source by accounting (scales + lab + factors, GUM u); for
a line, the kiln stack by CEMS (App. D, substituted hours flagged), by accounting (Σ of the
stack sources, fossil + biogenic) and by the model. The counted route follows R5.1: CEMS when
the hour is measured and valid, else accounting when every stack source has activity data,
else the model when fitted, else the partial accounting flagged ``estimated``. Pure given its
inputs: the same stored data give the same figures, live or in a batch (ADR 0121).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from tanji.accounting.factors.library import FactorLibrary
from tanji.emissions import inputs as inp
from tanji.emissions.bindings import MODEL_INPUTS
from tanji.emissions.choices import MethodChoices as M, QualityChoices as Q
from tanji.emissions.formulas import propagate
from tanji.emissions.model import Fit
from tanji.emissions.plan import ScopePlan, SourcePlan
from tanji.emissions.stack import stack_hours
from tanji.emissions.trust import with_trust
from tanji.tenancy.actor import Actor
from tanji.timeseries.rollups import HOUR_MS
from tanji.timeseries.store import SampleStore

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
K_EXPANDED = 2.0
#: Context the CEMS substitution reads around the window: 720 valid hours back, 25 h ahead.
CEMS_BEFORE_MS = 31 * 24 * HOUR_MS
CEMS_AFTER_MS = 25 * HOUR_MS
#: Floor of the CEMS hour's relative standard uncertainty: HJ 75 states no CO2 accuracy, so the
#: EU MRR tier 2 (±7.5 % at 95 %, standards §7) stands in for flow and concentration together.
CEMS_U_REL_MIN = 0.0375
#: The kiln counts as stopped in an hour whose stack CO2 by accounting is below this share of its
#: design rate (design clinker t/h × 0.85 t CO2/t, standards §10): HJ 75 fills no such hour.
STOPPED_SHARE = 0.10
TYPICAL_T_CO2_PER_T_CLINKER = 0.85
FitFor = Callable[[int], Fit | None]


@dataclass(slots=True)
class Row:
    """One hourly figure (t CO2; ``u_t`` expanded, k = 2)."""

    key: str
    source_id: int | None
    hour: int
    method: str
    counted: bool
    category: str
    in_clinker: bool
    in_enterprise: bool
    co2_t: float
    biogenic_co2_t: float
    u_t: float
    quality: str


@dataclass(frozen=True)
class SourceHours:
    """A source's accounting over the hours, with the inputs the model reuses."""

    plan: SourcePlan
    fossil: FloatArray
    biogenic: FloatArray
    u: FloatArray
    available: BoolArray
    quality: npt.NDArray[np.str_]
    values: dict[str, FloatArray]


@dataclass(frozen=True)
class Computation:
    """What a window's computation read and produced (rows, plus data for the alerts)."""

    hours: npt.NDArray[np.int64]
    rows: list[Row]
    data: dict[int, inp.TagHours]
    #: Per hour: CEMS fossil and accounting stack CO2 where both are valid (else NaN).
    compared: tuple[FloatArray, FloatArray]


def hour_grid(start_ms: int, end_ms: int) -> npt.NDArray[np.int64]:
    """Whole hours covering ``[start_ms, end_ms)``."""
    first = start_ms - start_ms % HOUR_MS
    return np.arange(first, end_ms, HOUR_MS, dtype=np.int64)


def source_hours(
    actor: Actor,
    plan: ScopePlan,
    source: SourcePlan,
    hours: npt.NDArray[np.int64],
    data: dict[int, inp.TagHours],
    library: FactorLibrary,
) -> SourceHours:
    """Accounting of one source over the hours (GUM u_c per hour, see :mod:`formulas`)."""
    acts = {
        a.name: inp.activity(plan, source, a, data, hours.size) for a in source.binding.activities
    }
    pars = inp.parameters(actor, plan, source, hours, library)
    series = acts | pars
    values = {name: s.value for name, s in series.items()}
    (fossil, biogenic), u = propagate(
        source.binding.formula,
        {n: np.nan_to_num(v) for n, v in values.items()},
        {name: s.u for name, s in series.items()},
    )
    available = np.all([np.isfinite(s.value) for s in acts.values()], axis=0)
    running = np.any([np.nan_to_num(s.value) != 0 for s in acts.values()], axis=0)
    # a missing lab value matters only when something was burnt or produced
    estimated = np.any([s.estimated for s in acts.values()], axis=0) | (
        running & np.any([s.estimated for s in pars.values()], axis=0)
    )
    overdue = np.any([s.overdue for s in acts.values()], axis=0)
    unsigned = np.any([s.unsigned for s in acts.values() if s.unsigned is not None], axis=0)
    quality = np.where(overdue, Q.OVERDUE_INSTRUMENT, np.where(estimated, Q.ESTIMATED, Q.COMPLETE))
    quality = np.where(unsigned, Q.UNSIGNED_SOURCE, quality)  # worst: the trust level (R4.2.1)
    return SourceHours(source, fossil, biogenic, u, available, quality.astype(str), values)


def compute(
    actor: Actor,
    plan: ScopePlan,
    store: SampleStore,
    library: FactorLibrary,
    window: tuple[int, int],
    fit_for: FitFor,
) -> Computation:
    """Figures of every hour of ``window`` that has data."""
    hours = hour_grid(*window)
    data = inp.read_tags(store, plan.tags, hours)  # CEMS tags too: the alerts look at them
    data = with_trust(data, plan.enterprise_id, hours)
    present = np.zeros(hours.size, bool)
    for tag in data.values():
        present |= tag.count > 0
    sources = [source_hours(actor, plan, s, hours, data, library) for s in plan.sources]
    rows = [r for s in sources for r in _source_rows(plan, s, hours, present)]
    nan = np.full(hours.size, np.nan)
    compared = (nan, nan)
    if plan.line_id is not None:
        stack_rows, compared = _stack(plan, store, hours, data, sources, fit_for, rows)
        rows += stack_rows
    return Computation(hours, rows, data, compared)


def _source_rows(
    plan: ScopePlan, s: SourceHours, hours: npt.NDArray[np.int64], present: BoolArray
) -> list[Row]:
    p = s.plan
    return [
        Row(
            f"s{p.id}",
            p.id,
            int(hours[i]),
            M.ACCOUNTING,
            True,
            p.category,
            p.in_clinker,
            p.in_enterprise,
            float(s.fossil[i]),
            float(s.biogenic[i]),
            float(K_EXPANDED * s.u[i]),
            str(s.quality[i]),
        )
        for i in np.flatnonzero(s.available & present).tolist()
    ]


def model_features(sources: list[SourceHours], n: int) -> FloatArray:
    """Features of :mod:`model` per hour from the stack sources' accounting inputs (NaN: none)."""
    by_kind = {s.plan.kind: s for s in sources}
    coal_t, coal_gj, raw = np.zeros(n), np.zeros(n), np.full(n, np.nan)
    for kind, name in MODEL_INPUTS:
        s = by_kind.get(kind)
        if s is None:
            continue
        amount = s.values[name]  # NaN where this activity has no data
        if name == "raw_meal_t":
            raw = amount
        else:
            coal_t = coal_t + amount
            coal_gj = coal_gj + amount * s.values["ncv_gj_per_t"]
    return np.column_stack((coal_t, coal_gj, raw))


def measured_stack(
    plan: ScopePlan, store: SampleStore, hours: npt.NDArray[np.int64]
) -> tuple[FloatArray, BoolArray, BoolArray, float]:
    """CEMS stack CO2 (t) on ``hours``, measured/substituted masks and its relative u."""
    if set(plan.cems) != {"co2_pct", "flow_nm3_per_h"}:
        nan = np.full(hours.size, np.nan)
        return nan, np.zeros(hours.size, bool), np.zeros(hours.size, bool), 0.0
    context = hour_grid(int(hours[0]) - CEMS_BEFORE_MS, int(hours[-1]) + CEMS_AFTER_MS)
    data = inp.read_tags(store, plan.cems.values(), context)
    co2, flow = (_in_role_unit(plan, data, plan.cems[r]) for r in ("co2_pct", "flow_nm3_per_h"))
    result = stack_hours(co2, flow)
    cut = slice(CEMS_BEFORE_MS // HOUR_MS, CEMS_BEFORE_MS // HOUR_MS + hours.size)
    u_rel = max(CEMS_U_REL_MIN, math.hypot(*(plan.tags[t].u_rel for t in plan.cems.values())))
    return result.co2_t[cut], result.measured[cut], result.substituted[cut], u_rel


def _in_role_unit(plan: ScopePlan, data: dict[int, inp.TagHours], tag_id: int) -> inp.TagHours:
    """A CEMS tag's hours in its role's unit (an HJ 212 logger's tags are in App. B units)."""
    hours, factor = data[tag_id], plan.cems_scale.get(tag_id, 1.0)
    if factor == 1.0:
        return hours
    scaled = ("valid_sum", "increase", "min", "max")  # counts stay
    return replace(hours, **{name: getattr(hours, name) * factor for name in scaled})


@dataclass(frozen=True)
class _Stack:
    """The three routes for the kiln stack (fossil t, biogenic t, standard u t, availability)."""

    account: FloatArray
    biogenic: FloatArray
    account_u: FloatArray
    account_ok: BoolArray
    account_quality: npt.NDArray[np.str_]
    cems: FloatArray
    measured: BoolArray
    substituted: BoolArray
    cems_u_rel: float
    model: FloatArray
    model_u: FloatArray
    cems_unsigned: BoolArray


def _stack_routes(
    plan: ScopePlan,
    store: SampleStore,
    hours: npt.NDArray[np.int64],
    sources: list[SourceHours],
    fit_for: FitFor,
    data: dict[int, inp.TagHours],
) -> _Stack:
    on_stack = [s for s in sources if s.plan.binding.on_stack and s.plan.activities]
    zero = np.zeros(hours.size)
    ok = np.all([s.available for s in on_stack], axis=0) if on_stack else zero > 0
    account = sum((np.where(s.available, s.fossil, 0.0) for s in on_stack), zero)
    biogenic = sum((np.where(s.available, s.biogenic, 0.0) for s in on_stack), zero)
    u = np.sqrt(sum((np.where(s.available, s.u, 0.0) ** 2 for s in on_stack), zero))
    qualities = np.array([s.quality for s in on_stack]).reshape(len(on_stack), hours.size)
    quality = np.where(ok, _worst_column(qualities), Q.ESTIMATED)
    cems, measured, substituted, u_rel = measured_stack(plan, store, hours)
    features = model_features(sources, hours.size)
    model, model_u = np.full(hours.size, np.nan), np.full(hours.size, np.nan)
    months = _month_starts(hours)
    present = np.any([s.available for s in sources], axis=0) if sources else months < 0
    for month in np.unique(months[present]).tolist():  # never train a month before it starts
        fitted = fit_for(month)
        if fitted is not None:
            mask = months == month
            model[mask] = fitted.predict(features[mask])
            model_u[mask] = fitted.residual_sd_t
    marks = [data[t].unsigned for t in plan.cems.values() if t in data]
    cems_unsigned = np.any([m for m in marks if m is not None], axis=0) | np.zeros(hours.size, bool)
    return _Stack(
        account, biogenic, u, ok, quality, cems, measured, substituted, u_rel, model, model_u,
        cems_unsigned,
    )  # fmt: skip


def _worst_column(qualities: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    order = [Q.COMPLETE, Q.SUBSTITUTED, Q.ESTIMATED, Q.OVERDUE_INSTRUMENT, Q.UNSIGNED_SOURCE]
    rank = np.zeros(qualities.shape[1], np.int64)
    for i, state in enumerate(order):
        rank = np.where(np.any(qualities == state, axis=0), np.maximum(rank, i), rank)
    return np.array(order, dtype=str)[rank]


def _month_starts(hours: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    from tanji.timeseries import rollups
    from tanji.timeseries.samples import Resolution

    return rollups.bucket_start(hours, Resolution.MONTH)


def _stack(
    plan: ScopePlan,
    store: SampleStore,
    hours: npt.NDArray[np.int64],
    data: dict[int, inp.TagHours],
    sources: list[SourceHours],
    fit_for: FitFor,
    rows: list[Row],
) -> tuple[list[Row], tuple[FloatArray, FloatArray]]:
    """Stack rows by each available route; marks the counted route (and un-counts sources)."""
    st = _stack_routes(plan, store, hours, sources, fit_for, data)
    model_ok = np.isfinite(st.model) & ~st.measured & ~st.account_ok
    chosen = np.where(
        st.measured,
        M.CEMS,
        np.where(st.account_ok, M.ACCOUNTING, np.where(model_ok, M.MODEL, M.ACCOUNTING)),
    )
    key = f"k{plan.line_id}"
    stack_sources = {f"s{s.plan.id}" for s in sources if s.plan.binding.on_stack}
    by_hour = {int(h): str(c) for h, c in zip(hours.tolist(), chosen.tolist(), strict=True)}
    for r in rows:
        if r.key in stack_sources and by_hour[r.hour] != M.ACCOUNTING:
            r.counted = False
    out: list[Row] = []
    cems_fossil = st.cems - st.biogenic
    present = np.zeros(hours.size, bool)
    for tag in data.values():
        present |= tag.count > 0
    design = plan.design_clinker_t_per_h * TYPICAL_T_CO2_PER_T_CLINKER
    stopped = st.account_ok & (st.account < max(STOPPED_SHARE * design, 1.0))
    for i, hour in enumerate(hours.tolist()):
        if present[i] and not (stopped[i] and not st.measured[i]):
            out += _hour_rows(key, hour, i, st, cems_fossil)
    for r in out:
        r.counted = r.method == by_hour[r.hour] and r.method != M.ACCOUNTING
    both = st.measured & st.account_ok
    return out, (np.where(both, cems_fossil, np.nan), np.where(both, st.account, np.nan))


def _hour_rows(key: str, hour: int, i: int, st: _Stack, cems_fossil: FloatArray) -> list[Row]:
    """The stack's rows of one hour, one per available route (none counted yet)."""
    routes: list[tuple[str, float, float, str]] = []
    if np.isfinite(st.cems[i]):
        quality: str = Q.COMPLETE if st.measured[i] else Q.SUBSTITUTED
        quality = Q.UNSIGNED_SOURCE if st.cems_unsigned[i] else quality
        routes.append((M.CEMS, float(cems_fossil[i]), float(st.cems[i] * st.cems_u_rel), quality))
    if st.account_ok[i] or (not np.isfinite(st.cems[i]) and st.account[i] > 0):
        quality = str(st.account_quality[i])
        routes.append((M.ACCOUNTING, float(st.account[i]), float(st.account_u[i]), quality))
    if np.isfinite(st.model[i]):
        model = float(st.model[i] - st.biogenic[i])
        routes.append((M.MODEL, model, float(st.model_u[i]), Q.ESTIMATED))
    biogenic = float(st.biogenic[i])
    return [
        Row(key, None, hour, m, False, "kiln_stack", True, True, co2, biogenic, K_EXPANDED * u, q)
        for m, co2, u, q in routes
    ]
