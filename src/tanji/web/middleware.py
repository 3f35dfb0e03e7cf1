"""Turn the service layer's refusals into HTTP answers for pages.

Queries raise :class:`~tanji.tenancy.validation.NotFound` for objects that do not exist *or* are
invisible to the actor, and services raise :class:`~tanji.tenancy.actor.AccessDenied`; a page
answers 404 and 403 respectively, so ids cannot be probed and no view needs its own try/except.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from tanji.evidence.attestation import Credential, fingerprint, submitting
from tanji.tenancy.actor import AccessDenied
from tanji.tenancy.credentials import services as credentials
from tanji.tenancy.validation import NotFound


class CodedErrorMiddleware:
    """Map NotFound → 404 and AccessDenied → 403 (Django renders the error pages)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Pass the request on; only exceptions are handled here."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Re-raise as Django's own 404/403 so the configured handlers answer."""
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, AccessDenied):
            raise PermissionDenied(str(exception)) from exception


class SubmissionCredentialMiddleware:
    """State how the request was authenticated, for the attestation of records (ADR 0210).

    The credential is resolved when a record is appended, after the API's token
    authentication has run: an API token (fingerprint of its digest), else the signed-in
    session (password, with TOTP when the user has it enabled; fingerprint of the session key).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Run the request with its credential resolver in place."""
        with submitting(lambda: request_credential(request)):
            return self.get_response(request)


def request_credential(request: HttpRequest) -> Credential | None:
    """The credential a request authenticated with, or ``None`` for an anonymous one."""
    stated = getattr(request, "tanji_credential", None)
    if isinstance(stated, Credential):
        return stated
    user = getattr(request, "user", None)
    session_key = request.session.session_key if hasattr(request, "session") else None
    if user is None or not user.is_authenticated or not session_key:
        return None
    method = "password+totp" if credentials.totp_enabled(user) else "password"
    return Credential(method, fingerprint("session", session_key))
