"""``/api/v1/emissions``: summary, series, comparison, drill-down and alerts of the engine.

Every route builds the request's :class:`~tanji.tenancy.actor.Actor` and calls the engine's
queries and services only. A refused input answers ``400`` with the coded error, an invisible or
absent object ``404`` (indistinguishable), a forbidden action ``403``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router
from ninja.security import django_auth

from tanji.emissions import queries, services
from tanji.errors import CodedError
from tanji.ingest import backlog, dispatch
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import NotFound
from tanji.timeseries.samples import ts_ms
from tanji.web.access import api_requires

router = Router(tags=["emissions"])
Answer = dict[str, Any] | list[dict[str, Any]] | JsonResponse
LIVE_WAIT_MAX_S = 30.0
LIVE_POLL_S = 0.05


def _answer(work: Callable[[Actor], Any], request: HttpRequest) -> Answer:
    """Run ``work`` for the request's actor; dataclasses become JSON, coded errors statuses."""
    try:
        result = work(Actor.for_request(request))
    except CodedError as error:
        status = (
            404 if isinstance(error, NotFound) else 403 if isinstance(error, AccessDenied) else 400
        )
        return JsonResponse(error.as_dict(), status=status)
    if isinstance(result, list):
        return [_plain(r) for r in result]
    answer: dict[str, Any] = _plain(result)
    return answer


def _plain(value: Any) -> Any:
    """A dataclass instance as a dict (nested ones too); anything else unchanged."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def _window(start: datetime, end: datetime) -> tuple[int, int]:
    lo, hi = ts_ms(start), ts_ms(end)
    if hi <= lo:
        raise CodedError(
            "api.bad_window", "end {end} must be after start {start}", start=start, end=end
        )
    return lo, hi


@router.get("/summary")
@api_requires(Action.VIEW)
def summary(
    request: HttpRequest, enterprise_id: int, line_id: int | None = None, at: datetime | None = None
) -> Answer:
    """Today, month and year to date at both boundaries (R4.1)."""
    return _answer(lambda actor: queries.summary(actor, enterprise_id, line_id, at=at), request)


@router.get("/series")
@api_requires(Action.VIEW)
def series(
    request: HttpRequest,
    enterprise_id: int,
    start: datetime,
    end: datetime,
    line_id: int | None = None,
    boundary: str = "clinker",
    category: str | None = None,
    resolution: str | None = None,
) -> Answer:
    """Counted CO2 over a range; the resolution follows the range unless given."""

    def work(actor: Actor) -> Any:
        if boundary not in queries.BOUNDARIES:
            raise CodedError(
                "api.bad_boundary", "boundary: expected clinker or enterprise, got {b}", b=boundary
            )
        scope = queries.Scope(enterprise_id, line_id, boundary, category)
        return queries.series(actor, scope, *_window(start, end), resolution)

    return _answer(work, request)


@router.get("/comparison")
@api_requires(Action.VIEW)
def comparison(request: HttpRequest, line_id: int, start: datetime, end: datetime) -> Answer:
    """CEMS vs accounting vs model for a line's kiln stack (R4.2.4)."""
    return _answer(lambda a: queries.comparison(a, line_id, *_window(start, end)), request)


@router.get("/drill")
@api_requires(Action.VIEW)
def drill(
    request: HttpRequest,
    enterprise_id: int,
    start: datetime,
    end: datetime,
    boundary: str = "clinker",
    line_id: int | None = None,
    source_id: int | None = None,
    tag_id: int | None = None,
) -> Answer:
    """One drill-down level: sources, a source's tags, or a tag's raw samples (evidence ids)."""
    return _answer(
        lambda a: queries.drill_down(
            a,
            enterprise_id,
            *_window(start, end),
            boundary=boundary,
            line_id=line_id,
            source_id=source_id,
            tag_id=tag_id,
        ),
        request,
    )


@router.get("/alerts")
@api_requires(Action.VIEW)
def alerts(request: HttpRequest, state: str | None = None) -> Answer:
    """Alerts the user sees, newest first (at most 500)."""
    fields = (
        "id",
        "enterprise_id",
        "line_id",
        "tag_id",
        "kind",
        "severity",
        "state",
        "key",
        "first_hour",
        "last_hour",
        "value",
    )
    return _answer(lambda a: list(queries.alerts(a, state=state)[:500].values(*fields)), request)


@router.post("/alerts/{alert_id}/acknowledge", auth=django_auth)
@api_requires(Action.VIEW)
def acknowledge(request: HttpRequest, alert_id: int) -> Answer:
    """Acknowledge an open alert."""
    return _answer(lambda a: _state(services.acknowledge_alert(a, alert_id)), request)


@router.post("/alerts/{alert_id}/close", auth=django_auth)
@api_requires(Action.VIEW)
def close(request: HttpRequest, alert_id: int) -> Answer:
    """Close an alert."""
    return _answer(lambda a: _state(services.close_alert(a, alert_id)), request)


def _state(alert: Any) -> dict[str, Any]:
    return {"id": alert.pk, "state": alert.state}


@router.get("/figures")
@api_requires(Action.VIEW)
def figures(
    request: HttpRequest,
    enterprise_id: int,
    start: datetime,
    end: datetime,
    line_id: int | None = None,
) -> Answer:
    """Hourly figures of every source and kiln stack, every method (counted or not), ≤ 14 days."""
    return _answer(
        lambda a: queries.hourly_figures(a, enterprise_id, *_window(start, end), line_id), request
    )


@router.get("/live")
@api_requires(Action.VIEW)
def live(request: HttpRequest, enterprise_id: int, wait: float = 0.0) -> Answer:
    """Is the enterprise's live engine caught up with all intake? ``wait`` ≤ 30 s for it first.

    ``backlog``: envelopes of the enterprise accepted by ANY intake process (server, gateway)
    whose hours are not yet recomputed; 0 means the figures reflect every stored sample. The
    other fields describe this server process's worker (ADR 0235).
    """

    def work(actor: Actor) -> dict[str, Any]:
        tenancy_queries.enterprise(actor, enterprise_id)  # 404 unless visible
        deadline = time.monotonic() + min(max(wait, 0.0), LIVE_WAIT_MAX_S)
        if wait > 0:
            dispatch.flush(max(deadline - time.monotonic(), 0.0))
        while (waiting := backlog.count(enterprise_id)) and time.monotonic() < deadline:
            time.sleep(LIVE_POLL_S)
        return dataclasses.asdict(dispatch.status()) | {"backlog": waiting}

    return _answer(work, request)
