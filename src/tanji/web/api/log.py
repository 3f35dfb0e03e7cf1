"""The transparency log in public: checkpoints and proofs; bundle export for auditors.

Checkpoints and proofs reveal sizes and hashes only, so they are public (anyone holding the
platform's verifier key may monitor the log, R4.2.2). Issuing a checkpoint on demand and
exporting a bundle need a signed-in person with the evidence right.
"""

from __future__ import annotations

import base64
from datetime import datetime

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router
from ninja.security import django_auth

from tanji.config import load_settings
from tanji.errors import CodedError
from tanji.evidence.bundles import export_bundle
from tanji.evidence.checkpoints import (
    consistency_proof,
    inclusion_proof,
    issue_checkpoint,
    latest_checkpoint,
)
from tanji.evidence.figure_specs import (
    electricity_emissions,
    electricity_meters,
    process_emissions,
)
from tanji.evidence.figures import FigureSpec, coal_combustion
from tanji.evidence.signing import platform_key, witness_key
from tanji.evidence.witness import witness_checkpoint
from tanji.plant import queries as plant_queries
from tanji.plant.models import ProductionLine
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.timeseries.models import Sample
from tanji.timeseries.samples import ts_ms
from tanji.trust.bundle_document import write_bundle_zip
from tanji.web.access import api_requires
from tanji.web.api.ingest import refusal

router = Router(tags=["log"])
NOTE_TYPE = "text/plain; charset=utf-8"


@router.get("/checkpoint", auth=None)
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint note (``404`` before the first)."""
    latest = latest_checkpoint()
    if latest is None:
        return HttpResponse(status=404)
    return HttpResponse(latest.note.encode("utf-8"), content_type=NOTE_TYPE)


@router.post("/checkpoint", auth=django_auth)
@api_requires(Action.VIEW_AUDIT)
def issue(request: HttpRequest) -> HttpResponse:
    """Sign the current head now (platform operators)."""
    actor = Actor.for_request(request)
    if not actor.can(Action.VIEW_AUDIT):
        return HttpResponse(status=403)
    signed = issue_checkpoint(platform_key(), load_settings().log_origin)
    return HttpResponse(signed.note.encode("utf-8"), content_type=NOTE_TYPE)


@router.post("/witness", auth=django_auth)
@api_requires(Action.VIEW_AUDIT)
def witness(request: HttpRequest) -> HttpResponse:
    """Sign the head and have the provincial witness cosign it now (``503`` without a key)."""
    actor = Actor.for_request(request)
    if not actor.can(Action.VIEW_AUDIT):
        return HttpResponse(status=403)
    settings, key = load_settings(), witness_key()
    if key is None:
        return HttpResponse(status=503)
    cosigned = witness_checkpoint(
        log_key=platform_key(), origin=settings.log_origin, witness=key, name=settings.witness_name
    )
    return HttpResponse(cosigned.note.encode("utf-8"), content_type=NOTE_TYPE)


def _proof(path: list[bytes]) -> JsonResponse:
    return JsonResponse({"proof": [base64.b64encode(h).decode("ascii") for h in path]})


@router.get("/proofs/inclusion", auth=None)
def inclusion(request: HttpRequest, index: int, size: int) -> HttpResponse:
    """RFC 9162 audit path of leaf ``index`` in the tree of ``size`` leaves."""
    try:
        return _proof(inclusion_proof(index, size))
    except CodedError as error:
        return refusal(error)


@router.get("/proofs/consistency", auth=None)
def consistency(request: HttpRequest, first: int, second: int) -> HttpResponse:
    """RFC 9162 consistency proof between two tree sizes."""
    try:
        return _proof(consistency_proof(first, second))
    except CodedError as error:
        return refusal(error)


@router.get("/bundles", auth=django_auth)
@api_requires(Action.EXPORT_EVIDENCE)
def bundle(
    request: HttpRequest,
    enterprise_id: int,
    start: datetime,
    end: datetime,
    device: str = "",
    coal_tag: str = "",
    coal_seconds: float = 60.0,
    figure: str = "",
    line_id: int = 0,
) -> HttpResponse:
    """A zipped evidence bundle of a period (optionally one device), for ``tanji verify``.

    With ``coal_tag`` (a t/h scale read every ``coal_seconds``) the bundle also claims the CO2
    of that coal in the period with the factor library's bituminous-coal defaults; with
    ``figure=process`` or ``figure=electricity`` and ``line_id`` it claims that line's process
    or electricity CO2 in the period, with the lab records and factor entries it used. The
    checkpoint is cosigned by the provincial witness when a witness key is configured.
    """
    settings, witness = load_settings(), witness_key()
    try:
        spec = _figure(
            Actor.for_request(request), figure, line_id, coal_tag, coal_seconds, (start, end)
        )
        document = export_bundle(
            Actor.for_request(request),
            enterprise_id,
            start,
            end,
            key=platform_key(),
            origin=settings.log_origin,
            device_id=device,
            figure=spec,
            witness=None if witness is None else (witness, settings.witness_name),
        )
    except CodedError as error:
        return refusal(error)
    answer = HttpResponse(write_bundle_zip(document), content_type="application/zip")
    answer["Content-Disposition"] = 'attachment; filename="evidence-bundle.zip"'
    return answer


def _figure(
    actor: Actor,
    kind: str,
    line_id: int,
    coal_tag: str,
    seconds: float,
    period: tuple[datetime, datetime],
) -> FigureSpec | None:
    """The figure the export request asks for (``None``: a bundle without a figure).

    Raises:
        CodedError: ``log.bad_figure`` for an unknown kind or a line figure without a line.
    """
    if coal_tag:
        return coal_combustion(coal_tag, seconds=seconds, period=period)
    if not kind:
        return None
    if kind not in ("process", "electricity") or not line_id:
        raise CodedError(
            "log.bad_figure",
            "figure {kind!r}: expected process or electricity with a line_id",
            kind=kind,
            field="figure",
        )
    return line_figure(actor, kind, plant_queries.line(actor, line_id), period)


def line_figure(
    actor: Actor, kind: str, line: ProductionLine, period: tuple[datetime, datetime]
) -> FigureSpec:
    """The process or electricity figure of ``line`` (electricity: the meters with readings).

    Like the engine, the line's total meter is read when it has readings in the period, else
    its sub-meters that have.
    """
    if kind == "process":
        return process_emissions(line.code, line.pk, period)
    lo, hi = ts_ms(period[0]), ts_ms(period[1])
    codes = {
        tag.code
        for tag in plant_queries.tags(actor, line_id=line.pk)
        if Sample.objects.filter(tag_id=tag.pk, ts__gte=lo, ts__lt=hi).exists()
    }
    return electricity_emissions(line.code, period, meters=electricity_meters(line.code, codes))
