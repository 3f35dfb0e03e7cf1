"""CodedErrors as API answers: ``{"code", "message", "params"}`` with the matching status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema

from tanji.errors import CodedError
from tanji.tenancy.actor import AccessDenied
from tanji.tenancy.validation import NotFound
from tanji.web.error_messages import translate


class ErrorOut(Schema):
    """A refusal: stable code, message in the request's language, parameters."""

    code: str
    message: str
    params: dict[str, object]


def status_of(error: CodedError) -> int:
    """404 for invisible objects, 403 for refused actions, 400 for bad input."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, AccessDenied):
        return 403
    return 400


def install(api: NinjaAPI) -> None:
    """Register the CodedError handler on ``api``."""

    def handle(request: HttpRequest, error: Any) -> HttpResponse:
        body = {
            "code": error.code,
            "message": translate(error),
            "params": {k: str(v) for k, v in error.params.items()},
        }
        return api.create_response(request, body, status=status_of(error))

    api.add_exception_handler(CodedError, handle)
