"""API authentication: hashed bearer tokens for programs, the session (with CSRF) for pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from tanji.evidence.attestation import Credential, fingerprint
from tanji.tenancy.credentials import services as credentials


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tj_…``: the token's user becomes the request's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The user of a live token, or None (401)."""
        user = credentials.user_for_token(token)
        if user is not None:
            request.user = user
            # Records it submits are attested as by this token: its digest's prefix, not the
            # secret (ADR 0210).
            request.tanji_credential = Credential("api_token", fingerprint("token", token))  # type: ignore[attr-defined]
        return user


#: Tried in order: a bearer token, then the signed-in session.
API_AUTH = [TokenAuth(), SessionAuth()]
