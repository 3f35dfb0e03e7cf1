"""Alert conditions found in a computation: missing data, out of range, calibration, deviation.

Conditions are identified by a key (kind + tag or line + day); an open or acknowledged alert
with the same key is updated (last hour, value, severity) rather than duplicated, a closed one
is never reopened — a recurrence opens a new alert. A periodic job that re-judges its
conditions resolves (closes, audited as the platform) those of its keys that no longer hold
(:func:`resolve_cleared`, ADR 0240). CEMS vs accounting: the daily deviation
δ = (E_CEMS − E_bio − E_calc)/E_calc over the hours both measure (standards §7: warn above 5 %,
investigate above 10 %; thresholds configurable by :class:`Thresholds`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from tanji.accounting.cems.corroboration import (
    INVESTIGATE_DEVIATION,
    WARN_DEVIATION,
    cems_deviation,
    corroboration_status,
)
from tanji.emissions.choices import AlertKindChoices as Kind, AlertStateChoices as State
from tanji.emissions.engine import Computation
from tanji.emissions.models import Alert
from tanji.emissions.plan import ScopePlan
from tanji.errors import CodedError
from tanji.tenancy import audit
from tanji.tenancy.actor import Actor
from tanji.timeseries import rollups
from tanji.timeseries.samples import Resolution


class AlertError(CodedError):
    """A refused alert transition."""


@dataclass(frozen=True)
class Thresholds:
    """Configurable limits of the alert conditions."""

    warn_deviation: float = WARN_DEVIATION
    investigate_deviation: float = INVESTIGATE_DEVIATION
    #: Hours of the day CEMS and accounting must both cover before δ is judged.
    min_compared_hours: int = 6
    #: Consecutive hours without a valid sample before a missing-data alert (allowed gap).
    allowed_gap_hours: int = 1


def evaluate(plan: ScopePlan, result: Computation, limits: Thresholds | None = None) -> int:
    """Open or update the alerts ``result`` shows; returns how many were touched."""
    limits = limits or Thresholds()
    if not result.data:
        return 0
    present = np.any([d.count > 0 for d in result.data.values()], axis=0)
    touched = 0
    for tag_id, data in result.data.items():
        info = plan.tags[tag_id]
        missing = present & (data.valid_count == 0)
        if _longest_run(missing) > limits.allowed_gap_hours:
            touched += _raise(
                plan,
                Kind.MISSING_DATA,
                f"missing:{tag_id}",
                result.hours[missing],
                tag_id=tag_id,
                value=float(missing.sum()),
            )
        if info.aggregation != "total_increasing":
            outside = (data.min < info.range_min) | (data.max > info.range_max)
            if outside.any():
                touched += _raise(
                    plan,
                    Kind.OUT_OF_RANGE,
                    f"range:{tag_id}",
                    result.hours[outside],
                    tag_id=tag_id,
                    value=float(np.nanmax(data.max[outside])),
                )
        if tag_id in plan.overdue and (data.count > 0).any():
            touched += _raise(
                plan,
                Kind.INSTRUMENT_CALIBRATION,
                f"calibration:{tag_id}",
                result.hours[data.count > 0],
                tag_id=tag_id,
            )
    return touched + _deviations(plan, result, limits)


def _deviations(plan: ScopePlan, result: Computation, limits: Thresholds) -> int:
    cems, calc = result.compared
    both = np.isfinite(cems) & np.isfinite(calc)
    days = rollups.bucket_start(result.hours, Resolution.DAY)
    touched = 0
    for day in np.unique(days[both]).tolist():
        mask = both & (days == day)
        total = float(calc[mask].sum())
        if int(mask.sum()) < limits.min_compared_hours or total <= 0:
            continue
        delta = cems_deviation(max(float(cems[mask].sum()), 0.0), total)
        status = corroboration_status(delta, limits.warn_deviation, limits.investigate_deviation)
        if status != "ok":
            touched += _raise(
                plan,
                Kind.CEMS_DEVIATION,
                f"deviation:{plan.line_id}:{day}",
                np.array([day, day]),
                value=delta,
                severity=status,
            )
    return touched


def _longest_run(mask: np.ndarray) -> int:
    best = run = 0
    for flag in mask.tolist():
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def _raise(
    plan: ScopePlan,
    kind: str,
    key: str,
    hours: np.ndarray,
    *,
    tag_id: int | None = None,
    value: float | None = None,
    severity: str = "warn",
) -> int:
    first, last = int(hours.min()), int(hours.max())
    return open_or_update(
        plan.enterprise_id,
        plan.line_id,
        kind,
        key,
        (first, last),
        tag_id=tag_id,
        value=value,
        severity=severity,
    )


def open_or_update(
    enterprise_id: int,
    line_id: int | None,
    kind: str,
    key: str,
    hours: tuple[int, int],
    *,
    tag_id: int | None = None,
    value: float | None = None,
    severity: str = "warn",
    detail: dict[str, object] | None = None,
) -> int:
    """Open an alert for the condition ``key``, or widen the open one; returns 1.

    Shared by the engine's conditions and the meter-anomaly scan (ADR 0203), so one condition
    is one alert whichever found it.
    """
    first, last = hours
    alert = Alert.objects.filter(
        enterprise_id=enterprise_id,
        kind=kind,
        key=key,
        state__in=(State.OPEN, State.ACKNOWLEDGED),
    ).first()
    if alert is None:
        Alert.objects.create(
            enterprise_id=enterprise_id,
            line_id=line_id,
            tag_id=tag_id,
            kind=kind,
            severity=severity,
            key=key,
            first_hour=first,
            last_hour=last,
            value=value,
            detail=detail or {},
        )
        return 1
    alert.first_hour, alert.last_hour = min(alert.first_hour, first), max(alert.last_hour, last)
    alert.value, alert.severity = value, severity
    fields = ["first_hour", "last_hour", "value", "severity"]
    if detail is not None:
        alert.detail = {**alert.detail, **detail}
        fields.append("detail")
    alert.save(update_fields=fields)
    return 1


def resolve_cleared(
    actor: Actor,
    enterprise_id: int,
    kinds: Iterable[str],
    holding: Collection[str],
    *,
    line_id: int | None = None,
    source: str | None = None,
    before_ms: int | None = None,
) -> int:
    """Close the active alerts of ``kinds`` whose condition key is not in ``holding``.

    The job that judged the conditions calls this with every key it still found: the others
    have cleared. ``source`` limits it to alerts that job raised (``detail.source``), so a scan
    never resolves what the engine raised under a shared kind; ``before_ms`` spares alerts seen
    at or after the end of the judged window (a scan of an old window says nothing of them).
    Each resolution is closed with ``detail.resolution = "cleared"`` and audited as
    ``resolve``; returns how many were closed.
    """
    active = Alert.objects.filter(
        enterprise_id=enterprise_id,
        kind__in=list(kinds),
        state__in=(State.OPEN, State.ACKNOWLEDGED),
    ).exclude(key__in=list(holding))
    if line_id is not None:
        active = active.filter(line_id=line_id)
    if before_ms is not None:
        active = active.filter(last_hour__lt=before_ms)
    closed = 0
    for alert in active:
        if source is not None and alert.detail.get("source") != source:
            continue
        before = audit.snapshot(alert)
        alert.state, alert.closed_at = State.CLOSED, timezone.now()
        alert.detail = {**alert.detail, "resolution": "cleared"}
        alert.save(update_fields=["state", "closed_at", "detail"])
        audit.record(actor, "resolve", alert, before, audit.snapshot(alert))
        closed += 1
    return closed
