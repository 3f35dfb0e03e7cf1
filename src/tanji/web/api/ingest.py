"""Intake over HTTPS: signed batches and heartbeats from terminals, manual and file entry.

Terminal routes authenticate by the envelope's signature, not by a session (``auth=None``):
the platform answers ``200`` with a signed receipt only after commit and log append, and
``4xx`` with the reason code for a refusal (the terminal holds the batch aside). Manual and
file entry use the signed-in person (R6.2) and go through the same pipeline.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import File, Router, UploadedFile
from ninja.security import django_auth

from tanji.errors import CodedError
from tanji.evidence.choices import ChannelChoices
from tanji.evidence.queries import quarantined
from tanji.ingest.committer import SharedCommit
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import Outcome, ingest, received_now
from tanji.ingest.terminals import record_heartbeat
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.web.access import api_requires

router = Router(tags=["ingest"])

DSSE_TYPE = "application/vnd.dsse.envelope.v1+json"
#: Concurrent batch requests of this process share commits (group commit, ADR 0151).
_GROUP = SharedCommit()
#: Refusals a resend cannot cure are 4xx; the terminal holds the batch aside.
_STATUS = {"tenancy.access_denied": 403, "tenancy.not_found": 404}
#: Who-is-speaking failures answer 401; every other refusal 422.
_UNAUTHENTICATED = frozenset(
    {
        "ingest.no_device",
        "ingest.unknown_device",
        "ingest.device_inactive",
        "ingest.wrong_device_kind",
        "ingest.key_of_other_device",
        "trust.unknown_key",
        "trust.bad_signature",
        "trust.key_revoked",
        "trust.key_not_yet_valid",
        "trust.wrong_tenant",
    }
)


def refusal(error: CodedError) -> JsonResponse:
    """The JSON answer of a refusal: code, message, parameters."""
    status = _STATUS.get(error.code, 401 if error.code in _UNAUTHENTICATED else 422)
    body = {"code": error.code, "message": str(error), "params": _plain(error.params)}
    return JsonResponse(body, status=status)


def _plain(params: object) -> dict[str, object]:
    return json.loads(json.dumps(dict(params), default=str))  # type: ignore[call-overload, no-any-return]


def answer(outcome: Outcome) -> HttpResponse:
    """Receipt (signed batches), a JSON summary (people), or the refusal."""
    if outcome.error is not None:
        return refusal(outcome.error)
    if outcome.receipt:
        return HttpResponse(outcome.receipt, content_type=DSSE_TYPE)
    summary = {"status": outcome.status, "log_index": outcome.log_index, "samples": outcome.samples}
    return JsonResponse(summary)


@router.post("/batches", auth=None)
def post_batch(request: HttpRequest) -> HttpResponse:
    """A terminal's signed batch envelope (header ``X-Tanji-Device``)."""
    submission = Submission(
        body=request.body,
        channel=ChannelChoices.HTTPS,
        received_at=received_now(),
        device_id=request.headers.get("X-Tanji-Device", ""),
    )
    return answer(_GROUP.ingest(submission))


@router.post("/heartbeats", auth=None)
def post_heartbeat(request: HttpRequest) -> HttpResponse:
    """A terminal's signed health report; stored on the device, answered ``204``."""
    try:
        record_heartbeat(request.body, request.headers.get("X-Tanji-Device", ""), received_now())
    except CodedError as error:
        return refusal(error)
    return HttpResponse(status=204)


@router.post("/manual", auth=django_auth)
@api_requires(Action.VIEW)
def post_manual(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """Readings typed in by a person: a ``tanji-batch/1`` document in the body."""
    return answer(ingest(_person(request, request.body, ChannelChoices.MANUAL, enterprise_id)))


@router.post("/files", auth=django_auth)
@api_requires(Action.VIEW)
def post_file(request: HttpRequest, enterprise_id: int, file: File[UploadedFile]) -> HttpResponse:
    """A CSV file (``tag,time,value,unit[,flag]``), e.g. a monthly fuel statement."""
    return answer(ingest(_person(request, file.read(), ChannelChoices.FILE, enterprise_id)))


@router.get("/quarantine", auth=django_auth)
@api_requires(Action.VIEW)
def quarantine(request: HttpRequest, reason: str = "", limit: int = 100) -> HttpResponse:
    """Refused input the person may see (operators: all), newest first, with its reason."""
    rows = quarantined(Actor.for_request(request))
    if reason:
        rows = rows.filter(reason=reason)
    items = [
        {
            "id": row.pk,
            "received_at": row.received_at.isoformat(),
            "channel": row.channel,
            "device": row.device_id,
            "enterprise_id": row.enterprise_id,
            "reason": row.reason,
            "params": row.params,
            "size_bytes": len(row.body),
        }
        for row in rows[: max(1, min(limit, 1000))]
    ]
    return JsonResponse({"items": items})


def _person(request: HttpRequest, body: bytes, channel: str, enterprise_id: int) -> Submission:
    return Submission(
        body=body,
        channel=channel,
        received_at=received_now(),
        actor=Actor.for_request(request),
        enterprise_id=enterprise_id,
    )
