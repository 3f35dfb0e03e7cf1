"""The only writers of emission figures, totals, fits and alerts (Actor first).

``on_samples_committed`` is the ingest pipeline's post-commit listener: it recomputes the hours
the new samples can change — from 25 h before them (a CEMS gap they close may be substituted by
its neighbours' mean, HJ 75 §12), or from the last measured CEMS hour if earlier, to 25 h after
— and refreshes the day and month totals those hours fall in. ``recompute`` does the same for
an explicit line and period (``tanji recompute``), retraining the model fits (ADR 0121).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from tanji.accounting.factors.library import FactorLibrary, load_library
from tanji.emissions import alerts
from tanji.emissions.choices import AlertStateChoices, MethodChoices
from tanji.emissions.engine import CEMS_AFTER_MS, CEMS_BEFORE_MS, Computation, Row, compute
from tanji.emissions.fitting import fit_provider
from tanji.emissions.models import FIGURE_COLUMNS, Alert, EmissionFigure
from tanji.emissions.plan import ScopePlan, line_plan, site_plan
from tanji.emissions.totals import refresh
from tanji.plant import queries as plant_queries
from tanji.tenancy import audit
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import get_visible
from tanji.timeseries.rollups import HOUR_MS
from tanji.timeseries.store import store_for

__all__ = [
    "RecomputeResult",
    "acknowledge_alert",
    "close_alert",
    "on_lab_recorded",
    "on_samples_committed",
    "recompute",
    "recompute_site",
]
_LIBRARY: list[FactorLibrary] = []


@dataclass(frozen=True)
class RecomputeResult:
    """What a computation wrote."""

    scope: str
    hours: int
    figures: int
    totals: int
    factor_version: str


def library() -> FactorLibrary:
    """The packaged factor library, loaded once per process."""
    if not _LIBRARY:
        _LIBRARY.append(load_library())
    return _LIBRARY[0]


def recompute(actor: Actor, line_id: int, start_ms: int, end_ms: int) -> RecomputeResult:
    """Recompute a line's figures over ``[start_ms, end_ms)`` from the store (fits retrained)."""
    line = plant_queries.line(actor, line_id)
    actor.require(Action.EDIT_PLANT, line.enterprise)
    return _run(actor, line_plan(actor, line, _date(end_ms)), (start_ms, end_ms), refit=True)


def recompute_site(actor: Actor, site_id: int, start_ms: int, end_ms: int) -> RecomputeResult:
    """Recompute the enterprise-level sources of a site over ``[start_ms, end_ms)``."""
    site = plant_queries.site(actor, site_id)
    actor.require(Action.EDIT_PLANT, site.enterprise)
    return _run(actor, site_plan(actor, site_id, _date(end_ms)), (start_ms, end_ms), refit=True)


def on_samples_committed(
    enterprise_id: int, tag_ids: Iterable[int], start_ms: int, end_ms: int
) -> list[RecomputeResult]:
    """Post-commit listener of the ingest pipeline: update every scope the tags feed."""
    actor = Actor.system()
    tags = plant_queries.tags(actor).filter(enterprise_id=enterprise_id, pk__in=set(tag_ids))
    scopes = tags.values_list("line_id", "source__site_id").distinct()
    lines = sorted({line for line, _ in scopes if line is not None})
    sites = sorted({site for line, site in scopes if line is None and site is not None})
    results = []
    for line_id in lines:
        plan = line_plan(actor, plant_queries.line(actor, line_id), _date(end_ms))
        results.append(_run(actor, plan, _live_window(plan, start_ms, end_ms), refit=False))
    for site_id in sites:
        plan = site_plan(actor, site_id, _date(end_ms))
        window = (start_ms - CEMS_AFTER_MS, end_ms + CEMS_AFTER_MS)
        results.append(_run(actor, plan, window, refit=False))
    return results


def on_lab_recorded(
    enterprise_id: int, line_id: int, analysed_at_ms: int
) -> RecomputeResult | None:
    """Hook for the lab: a result reported at ``analysed_at_ms`` changes every later hour.

    Recomputes the line from that hour to its latest figure (nothing when it has none yet), so
    a late-entered analysis reaches the live figures as a batch recomputation would (ADR 0121).
    """
    actor = Actor.system()
    line = plant_queries.lines(actor).filter(enterprise_id=enterprise_id, pk=line_id).first()
    if line is None:
        return None
    latest = (
        EmissionFigure.objects.filter(enterprise_id=enterprise_id, line_id=line_id)
        .order_by("-hour")
        .values_list("hour", flat=True)
        .first()
    )
    if latest is None or latest < analysed_at_ms - HOUR_MS:
        return None
    window = (analysed_at_ms - analysed_at_ms % HOUR_MS, int(latest) + HOUR_MS)
    return _run(actor, line_plan(actor, line, _date(window[1])), window, refit=False)


def _date(ms: int) -> date:
    """The UTC date of an instant, for the instrument states a computation uses."""
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)).date()


def _live_window(plan: ScopePlan, start_ms: int, end_ms: int) -> tuple[int, int]:
    """Hours new samples in ``[start_ms, end_ms)`` can change (module docstring)."""
    start = start_ms - start_ms % HOUR_MS - CEMS_AFTER_MS
    last_measured = (
        EmissionFigure.objects.filter(
            enterprise_id=plan.enterprise_id,
            key=f"k{plan.line_id}",
            method=MethodChoices.CEMS,
            quality="complete",
            hour__lt=start,
            hour__gte=start - CEMS_BEFORE_MS,
        )
        .order_by("-hour")
        .values_list("hour", flat=True)
        .first()
    )
    if last_measured is not None:
        start = min(start, int(last_measured) + HOUR_MS)
    return start, end_ms + CEMS_AFTER_MS


def _run(actor: Actor, plan: ScopePlan, window: tuple[int, int], *, refit: bool) -> RecomputeResult:
    lib = library()
    store = store_for(connection)
    with transaction.atomic():
        _serialise(plan.enterprise_id)
        fits = fit_provider(actor, plan, store, lib, refit=refit)
        result = compute(actor, plan, store, lib, window, fits)
        written = _persist(plan, result, lib.version)
        totals = refresh(plan.enterprise_id, plan.line_id, plan.scope, _keys(plan), result.hours)
        alerts.evaluate(plan, result)
    return RecomputeResult(plan.scope, int(result.hours.size), written, totals, lib.version)


#: Class half of the PostgreSQL advisory lock key ``(class, enterprise id)`` of computations.
_LOCK_CLASS = 0x7A6A


def _serialise(enterprise_id: int) -> None:
    """One computation of an enterprise at a time, across processes, reading only after it.

    The server and ``tanji gateway`` both ingest and both recompute; the last computation of an
    hour must read every sample committed before it (ADR 0235). SQLite transactions begin
    IMMEDIATE (the write lock before the first read); PostgreSQL takes a transaction-scoped
    advisory lock here, so a computation that read before another process's commit cannot
    overwrite the figures of the computation that read after it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, enterprise_id])


def _keys(plan: ScopePlan) -> set[str]:
    keys = {f"s{s.id}" for s in plan.sources}
    return keys | ({f"k{plan.line_id}"} if plan.line_id is not None else set())


def _persist(plan: ScopePlan, result: Computation, version: str) -> int:
    """Replace the scope's figures of the window's hours by the computed ones."""
    if not result.hours.size:
        return 0
    EmissionFigure.objects.filter(
        enterprise_id=plan.enterprise_id,
        key__in=_keys(plan),
        hour__gte=int(result.hours[0]),
        hour__lte=int(result.hours[-1]),
    ).delete()
    _insert(plan, result.rows, version)
    return len(result.rows)


_COLUMNS = ("enterprise_id", *FIGURE_COLUMNS)


def _insert(plan: ScopePlan, rows: list[Row], version: str) -> None:
    """Insert figures with one ``executemany`` (plain numbers and strings).

    The ORM's per-field preparation cost 30 s a line-year on SQLite; this well under a second.
    """
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        EmissionFigure._meta.db_table, ", ".join(_COLUMNS), ", ".join(["%s"] * len(_COLUMNS))
    )
    values = [
        (
            plan.enterprise_id,
            plan.line_id,
            r.source_id,
            r.key,
            r.hour,
            r.method,
            r.counted,
            r.category,
            r.in_clinker,
            r.in_enterprise,
            r.co2_t,
            r.biogenic_co2_t,
            r.u_t,
            r.quality,
            version,
        )
        for r in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def acknowledge_alert(actor: Actor, alert_id: int) -> Alert:
    """Mark an open alert acknowledged (who and when are kept; audited)."""
    return _transition(actor, alert_id, AlertStateChoices.ACKNOWLEDGED)


def close_alert(actor: Actor, alert_id: int) -> Alert:
    """Close an open or acknowledged alert (audited)."""
    return _transition(actor, alert_id, AlertStateChoices.CLOSED)


def _transition(actor: Actor, alert_id: int, state: str) -> Alert:
    alert: Alert = get_visible(
        Alert.objects.visible_to(actor, Action.EDIT_PLANT), alert_id, "alert"
    )
    if alert.state == AlertStateChoices.CLOSED or alert.state == state:
        raise alerts.AlertError(
            "emissions.alert_state",
            "alert {id} is {state}; it cannot become {target}",
            id=alert_id,
            state=alert.state,
            target=state,
        )
    before = audit.snapshot(alert)
    alert.state = state
    now = timezone.now()
    if state == AlertStateChoices.ACKNOWLEDGED:
        alert.acknowledged_by_id = actor.user_id
        alert.acknowledged_at = now
    else:
        alert.closed_at = now
    alert.save()
    audit.record(actor, state, alert, before, audit.snapshot(alert))
    return alert
