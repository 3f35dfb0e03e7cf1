"""``/api/v1/analytics``: meter anomalies, year outlook, intensity ranking, reduction levers (R8.1).

Every route builds the request's actor and calls :mod:`tanji.emissions.analysis` only; errors
answer like the emissions routes (400 coded error, 403 refused, 404 invisible or absent).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from tanji.analytics.levers import Settings
from tanji.emissions.analysis import benchmarks, levers, meters, outlook as outlooks
from tanji.errors import CodedError
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.web.access import api_requires
from tanji.web.api.emissions import Answer, _answer, _window

router = Router(tags=["analytics"])
LEVELS = ("line", "enterprise")


@router.get("/anomalies")
@api_requires(Action.VIEW)
def anomalies(request: HttpRequest, line_id: int, start: datetime, end: datetime) -> Answer:
    """Meter anomalies of a line in a window: stuck, spike, drift, counter backwards, gap."""
    return _answer(lambda a: meters.scan_line(a, line_id, *_window(start, end)), request)


@router.post("/anomalies/scan", auth=django_auth)
@api_requires(Action.EDIT_TAGS)
def scan(request: HttpRequest, line_id: int, start: datetime, end: datetime) -> Answer:
    """Scan a line's meters and raise the findings as alerts (ADR 0203)."""
    return _answer(lambda a: meters.scan_and_alert(a, line_id, *_window(start, end)), request)


@router.get("/outlook")
@api_requires(Action.VIEW)
def outlook(
    request: HttpRequest,
    enterprise_id: int,
    line_id: int | None = None,
    at: datetime | None = None,
    quota_t: float | None = None,
    intensity_target: float | None = None,
    plan_t_per_day: float | None = None,
    coverage: float = 0.9,
) -> Answer:
    """Forecast of the rest of the year with intervals; early warning against quota and target."""
    return _answer(
        lambda a: outlooks.outlook(
            a,
            enterprise_id,
            line_id,
            at=at,
            quota_t=quota_t,
            intensity_target=intensity_target,
            plan_t_per_day=plan_t_per_day,
            coverage=coverage,
        ),
        request,
    )


@router.get("/ranking")
@api_requires(Action.VIEW)
def ranking(
    request: HttpRequest,
    start: datetime | None = None,
    end: datetime | None = None,
    level: str = "line",
) -> Answer:
    """Clinker-boundary intensity of the visible lines or enterprises, ranked, with references."""

    def work(actor: Actor) -> object:
        if level not in LEVELS:
            raise CodedError(
                "api.bad_level", "level: expected line or enterprise, got {level}", level=level
            )
        upto = end or datetime.now(UTC)
        lo, hi = _window(start or upto - timedelta(days=30), upto)
        return benchmarks.benchmarking(actor, lo, hi, level)

    return _answer(work, request)


@router.get("/levers")
@api_requires(Action.VIEW)
def reduction_levers(
    request: HttpRequest,
    line_id: int,
    at: datetime | None = None,
    heat_kgce_per_t: float | None = 100.0,
    biomass_heat_share: float | None = 0.15,
    cao_nc_increase: float | None = 0.01,
    green_electricity_share: float | None = 0.2,
) -> Answer:
    """Reduction potential of a line per year, lever by lever, with uncertainty (减排潜力诊断)."""
    settings = Settings(
        heat_kgce_per_t, biomass_heat_share, cao_nc_increase, green_electricity_share
    )
    return _answer(lambda a: levers.diagnosis(a, line_id, at=at, settings=settings), request)
