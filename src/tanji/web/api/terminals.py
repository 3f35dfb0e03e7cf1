"""Terminal enrolment, signed configuration and the instruments a terminal reads (R9.4, R9.x).

The device routes (enrol, commands, config) are public: a terminal proves itself by its key and
verifies what it fetches by the platform's signature. Assigning instruments is an operator's
write: authenticated, checked against ``edit_instruments`` by the service, audited.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from tanji.errors import CodedError
from tanji.evidence import queries
from tanji.evidence.commands import pending_commands
from tanji.evidence.services import EnrolmentRequest, enrol_terminal
from tanji.evidence.signing import platform_key
from tanji.ingest.terminals import signed_config
from tanji.metrology.acquisition import assign_instrument, unassign_instrument
from tanji.metrology.models import Acquisition
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.tenancy.validation import NotFound
from tanji.web.access import actor_of, api_requires
from tanji.web.api.ingest import DSSE_TYPE, refusal

router = Router(tags=["terminals"])


class EnrolmentCreate(Schema):
    """What ``tanji terminal enrol`` posts."""

    code: str
    device: str
    enterprise: str
    key_id: str
    public_key: str
    suite: str


@router.post("/enrol", auth=None)
def enrol(request: HttpRequest, body: EnrolmentCreate) -> HttpResponse:
    """Redeem a one-time code and enrol the posted public key (``201``)."""
    try:
        key = enrol_terminal(
            EnrolmentRequest(
                code=body.code,
                device=body.device,
                enterprise=body.enterprise,
                public_key_pem=body.public_key.encode("ascii", "replace"),
                key_id=body.key_id,
            )
        )
    except CodedError as error:
        return refusal(error)
    return HttpResponse(key.key_id.encode("ascii"), status=201, content_type="text/plain")


@router.get("/{device}/commands", auth=None)
def commands(request: HttpRequest, device: str) -> HttpResponse:
    """The device's recent platform-signed commands, a JSON array of DSSE envelopes."""
    row = queries.devices(Actor.system()).filter(device_id=device, active=True).first()
    if row is None:
        return HttpResponse(status=404)
    envelopes = [json.loads(e) for e in pending_commands(row)]
    return HttpResponse(json.dumps(envelopes).encode(), content_type="application/json")


@router.get("/{device}/config", auth=None)
def config(request: HttpRequest, device: str) -> HttpResponse:
    """The device's platform-signed configuration envelope (public: it holds no secret).

    The ``ETag`` names the version; a running terminal polls with ``If-None-Match`` and gets
    ``304`` until an assignment raises the version (ADR 0227), so nothing is signed per poll.
    """
    row = queries.devices(Actor.system()).filter(device_id=device, active=True).first()
    if row is None:
        return HttpResponse(status=404)
    etag = f'"config-{row.config_version}"'  # the terminal's ``config_etag`` (uplink contract)
    if etag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        answer = HttpResponse(status=304)
    else:
        answer = HttpResponse(signed_config(row, platform_key()), content_type=DSSE_TYPE)
    answer["ETag"] = etag
    return answer


class AcquisitionIn(Schema):
    """How the terminal reads the instrument (schema: docs/reference/terminal-config.md)."""

    driver: str
    connection: dict[str, Any] = {}
    points: dict[str, dict[str, Any]]
    scan_s: int = 60


class AcquisitionOut(Schema):
    """An instrument a terminal reads."""

    instrument_id: int
    instrument: str
    driver: str
    connection: dict[str, Any]
    points: dict[str, dict[str, Any]]
    scan_s: int


def _out(row: Acquisition) -> dict[str, Any]:
    return {
        "instrument_id": row.instrument_id,
        "instrument": row.instrument.code,
        "driver": row.driver,
        "connection": row.connection,
        "points": row.points,
        "scan_s": row.scan_s,
    }


@router.get("/{device}/instruments", response=list[AcquisitionOut])
@api_requires(Action.VIEW)
def list_instruments(request: HttpRequest, device: str) -> list[dict[str, Any]]:
    """The instruments the terminal reads, as assigned on the platform."""
    row = queries.devices(actor_of(request)).filter(device_id=device).first()
    if row is None:
        raise NotFound(
            "tenancy.not_found",
            "no {what} with id {pk} is visible to you",
            what="device",
            pk=device,
        )
    acquired = Acquisition.objects.filter(device=row).select_related("instrument")
    return [_out(a) for a in acquired.order_by("instrument__code")]


@router.put("/{device}/instruments/{instrument_id}", response={200: AcquisitionOut})
@api_requires(Action.EDIT_INSTRUMENTS)
def put_instrument(
    request: HttpRequest, device: str, instrument_id: int, body: AcquisitionIn
) -> Status[Any]:
    """Let the terminal read the instrument; its configuration version is raised (audited)."""
    row = assign_instrument(
        actor_of(request),
        device_id=device,
        instrument_id=instrument_id,
        driver=body.driver,
        connection=body.connection,
        points=body.points,
        scan_s=body.scan_s,
    )
    return Status(200, _out(row))


@router.delete("/{device}/instruments/{instrument_id}", response={204: None})
@api_requires(Action.EDIT_INSTRUMENTS)
def delete_instrument(request: HttpRequest, device: str, instrument_id: int) -> Status[None]:
    """Stop reading the instrument (audited; the configuration version is raised)."""
    unassign_instrument(actor_of(request), instrument_id, device)
    return Status(204, None)
