"""Formula inputs per hour: activity from hourly rollups, parameters from the lab or the library.

Activity (R4.1.1–3): a totaliser's hourly counter increase (ADR 0062), a ``total`` tag's valid
sum, or — second choice, flagged ``estimated`` — a rate tag's valid mean × 1 h. Parameters: the
latest lab result of the material reported (``analysed_at``) by the start of the hour, else the
factor-library default valid on the hour's date. Using the report time keeps the engine causal,
so a live figure equals its later recomputation (ADR 0121).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tanji.accounting.factors.library import FactorLibrary
from tanji.emissions.bindings import Activity, Parameter
from tanji.emissions.plan import ScopePlan, SourcePlan
from tanji.plant import queries as plant_queries
from tanji.tenancy.actor import Actor
from tanji.timeseries.rollups import HOUR_MS
from tanji.timeseries.samples import Resolution
from tanji.timeseries.store import SampleStore

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Relative standard uncertainty of a library default, by its confidence tag (ADR 0123).
DEFAULT_U_REL = {"F": 0.01, "F3": 0.02, "R": 0.03, "I": 0.05}
_FIELDS = ("count", "valid_count", "valid_sum", "increase", "min", "max")


@dataclass(frozen=True)
class TagHours:
    """One tag's hourly rollups on the computation's hour grid (zeros/NaN where none)."""

    count: IntArray
    valid_count: IntArray
    valid_sum: FloatArray
    increase: FloatArray
    min: FloatArray
    max: FloatArray
    #: Hours holding a sample from an unsigned envelope (:mod:`tanji.emissions.trust`).
    unsigned: npt.NDArray[np.bool_] | None = None

    def mean(self) -> FloatArray:
        """Mean of the valid samples, NaN where none."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.valid_count > 0, self.valid_sum / self.valid_count, np.nan)


def read_tags(store: SampleStore, tag_ids: Iterable[int], hours: IntArray) -> dict[int, TagHours]:
    """Hourly rollups of each tag aligned on ``hours`` (epoch-ms hour starts, consecutive)."""
    start, end = int(hours[0]), int(hours[-1]) + HOUR_MS
    out = {}
    for tag_id in sorted(set(tag_ids)):
        r = store.read_rollups(tag_id, Resolution.HOUR, start, end)
        index = (r.bucket - start) // HOUR_MS
        counts = {name: np.zeros(hours.size, np.int64) for name in _FIELDS[:2]}
        sums = {name: np.full(hours.size, np.nan) for name in _FIELDS[2:]}
        for name, array in (counts | sums).items():
            array[index] = getattr(r, name)
        out[tag_id] = TagHours(
            count=counts["count"],
            valid_count=counts["valid_count"],
            valid_sum=np.nan_to_num(sums["valid_sum"]),
            increase=sums["increase"],
            min=sums["min"],
            max=sums["max"],
        )
    return out


@dataclass(frozen=True)
class Series:
    """An input over the hours: value, standard uncertainty u, and provenance flags."""

    value: FloatArray
    u: FloatArray
    estimated: npt.NDArray[np.bool_]
    overdue: npt.NDArray[np.bool_]
    unsigned: npt.NDArray[np.bool_] | None = None


def activity(
    plan: ScopePlan, source: SourcePlan, spec: Activity, data: dict[int, TagHours], n: int
) -> Series:
    """The activity quantity per each of ``n`` hours, NaN where no group has data.

    The first group with data is preferred. ``n`` is explicit because ``data`` may be empty
    (a scope without readable tags): the series must still span every hour of the window.
    """
    value, u = np.full(n, np.nan), np.zeros(n)
    estimated, overdue, unsigned = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    for rank, group in enumerate(source.activities.get(spec.name, ())):
        # one tag: it must have data; sub-meters: those with data count (the rest read 0)
        have = np.any([data[t].valid_count > 0 for t in group], axis=0) & np.isnan(value)
        amounts = [_amount(plan.tags[t].aggregation, data[t]) for t in group]
        total = np.sum(amounts, axis=0) * spec.scale
        var = np.sum(
            [
                (a * spec.scale * plan.tags[t].u_rel) ** 2
                for a, t in zip(amounts, group, strict=True)
            ],
            axis=0,
        )
        value = np.where(have, total, value)
        u = np.where(have, np.sqrt(var), u)
        estimated |= have & (rank > 0)
        overdue |= have & bool(set(group) & plan.overdue)
        for t in group:
            if data[t].unsigned is not None:
                unsigned |= have & data[t].unsigned
    return Series(value, u, estimated, overdue, unsigned)


def _amount(aggregation: str, hours: TagHours) -> FloatArray:
    if aggregation == "total_increasing":
        return np.nan_to_num(hours.increase)
    if aggregation == "total":
        return hours.valid_sum
    return np.nan_to_num(hours.mean())  # a rate in units per hour, over one hour


def parameters(
    actor: Actor, plan: ScopePlan, source: SourcePlan, hours: IntArray, library: FactorLibrary
) -> dict[str, Series]:
    """Every parameter of the source per hour: latest reported lab value, else the default."""
    return {p.name: _parameter(actor, plan, p, hours, library) for p in source.binding.parameters}


def _parameter(
    actor: Actor, plan: ScopePlan, spec: Parameter, hours: IntArray, library: FactorLibrary
) -> Series:
    value, u = _defaults(spec.factor_key, hours, library)
    estimated = np.zeros(hours.size, bool)
    if spec.material is not None:
        reported, lab_value, lab_u = _lab(actor, plan, spec.material, str(spec.lab_parameter))
        index = np.searchsorted(reported, hours, side="right") - 1
        found = index >= 0
        pick = np.maximum(index, 0)
        if reported.size:
            value = np.where(found, lab_value[pick] * spec.lab_scale, value)
            u = np.where(found, lab_u[pick] * spec.lab_scale, u)
        estimated = ~found if reported.size else np.ones(hours.size, bool)
    return Series(value, u, estimated, np.zeros(hours.size, bool))


def _defaults(key: str, hours: IntArray, library: FactorLibrary) -> tuple[FloatArray, FloatArray]:
    days = (hours + 8 * HOUR_MS) // (24 * HOUR_MS)  # Beijing dates, as reports date them
    value, u = np.empty(hours.size), np.empty(hours.size)
    for day in np.unique(days).tolist():
        entry = library.lookup(key, dt.date(1970, 1, 1) + dt.timedelta(days=day))
        mask = days == day
        value[mask] = entry.value
        u[mask] = abs(entry.value) * DEFAULT_U_REL.get(str(entry.confidence), 0.05)
    return value, u


def _lab(
    actor: Actor, plan: ScopePlan, material: str, parameter: str
) -> tuple[IntArray, FloatArray, FloatArray]:
    rows = (
        plant_queries.lab_results(actor, parameter=parameter)
        .filter(
            enterprise_id=plan.enterprise_id,
            analysis__line_id=plan.line_id,
            analysis__material=material,
        )
        .order_by("analysis__analysed_at", "pk")
        .values_list("analysis__analysed_at", "value", "standard_uncertainty")
    )
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    reported = np.array(
        [(at - epoch) // dt.timedelta(milliseconds=1) for at, _, _ in rows], np.int64
    )
    values = np.array([v for _, v, _ in rows], float)
    u = np.array([(s or 0.0) for _, _, s in rows], float)
    return reported, values, u
