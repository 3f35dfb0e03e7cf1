"""Lab results signed with the submitter's own key (ADR 0231): ``POST …/lab-analyses/signed``.

The body is the DSSE envelope exactly as ``tanji lab submit`` sends it; it is stored as received.
The caller authenticates as usual (API token or session) and must be the key's owner.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema

from tanji.errors import CodedError
from tanji.ingest.signed_lab import submit_signed_lab
from tanji.tenancy.permissions import Action
from tanji.web.access import api_requires
from tanji.web.api.errors import ErrorOut, status_of
from tanji.web.error_messages import translate

router = Router(tags=["plant"])

#: Refusals that are not bad input: who may do what, and a replay.
_STATUS = {
    "signed_entry.foreign_key": 403,
    "signed_entry.other_tenant": 403,
    "signed_entry.other_user": 403,
    "signed_entry.forbidden": 403,
    "signed_entry.revoked_key": 403,
    "signed_entry.replayed": 409,
}


class SignedLabOut(Schema):
    """The stored analysis, where its envelope is in the log, and its trust level."""

    analysis_id: int
    log_index: int
    trust_level: str
    key_id: str
    status: str  # "accepted"; "duplicate": the same envelope was stored before (200)


@router.post(
    "/lab-analyses/signed",
    response={200: SignedLabOut, 201: SignedLabOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
)
@api_requires(Action.VIEW)
def submit_signed(request: HttpRequest) -> Any:
    """Accept a DSSE envelope of a ``tanji-lab-signed/1`` record signed by the caller's key."""
    user = request.user
    try:
        stored = submit_signed_lab(user, request.body)  # type: ignore[arg-type]
    except CodedError as error:
        return _refusal(error)
    body = {
        "analysis_id": stored.analysis.pk,
        "log_index": stored.envelope.log_index,
        "trust_level": stored.envelope.trust_level,
        "key_id": stored.key_id,
        "status": "duplicate" if stored.duplicate else "accepted",
    }
    return JsonResponse(body, status=200 if stored.duplicate else 201)


def _refusal(error: CodedError) -> HttpResponse:
    body = {
        "code": error.code,
        "message": translate(error),
        "params": {k: str(v) for k, v in error.params.items()},
    }
    return JsonResponse(body, status=_STATUS.get(error.code, status_of(error)))
