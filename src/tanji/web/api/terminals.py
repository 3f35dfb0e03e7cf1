"""Terminal enrolment and signed configuration (uplink contract, R9.4)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from tanji.errors import CodedError
from tanji.evidence import queries
from tanji.evidence.commands import pending_commands
from tanji.evidence.services import EnrolmentRequest, enrol_terminal
from tanji.evidence.signing import platform_key
from tanji.ingest.terminals import signed_config
from tanji.tenancy.actor import Actor
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
    """The device's platform-signed configuration envelope (public: it holds no secret)."""
    row = queries.devices(Actor.system()).filter(device_id=device, active=True).first()
    if row is None:
        return HttpResponse(status=404)
    return HttpResponse(signed_config(row, platform_key()), content_type=DSSE_TYPE)
