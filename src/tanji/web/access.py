"""Access control of pages: the actor of a request and the permission a view needs.

Every page view is wrapped by :func:`requires` (functions) or declares ``action`` on
:class:`ActionRequiredMixin` (classes), naming an action of the permission table
(:mod:`tanji.tenancy.permissions`). Anonymous visitors are sent to the sign-in page; a signed-in
user whose grants never allow the action gets 403. Object-level checks stay in the services and
queries, which take the actor (:func:`actor_of`), so a page cannot reach another tenant's rows.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.permissions import Action, role_allows

V = TypeVar("V", bound=Callable[..., HttpResponse])
F = TypeVar("F", bound=Callable[..., Any])


def actor_of(request: HttpRequest) -> Actor:
    """The request's actor, built once and cached on the request."""
    actor = getattr(request, "_tanji_actor", None)
    if actor is None:
        actor = Actor.for_request(request)
        request._tanji_actor = actor  # type: ignore[attr-defined]
    return actor


def may(actor: Actor, action: Action) -> bool:
    """Whether any grant of the actor allows ``action`` somewhere (the page-level gate)."""
    return any(role_allows(grant.role, action) for grant in actor.grants)


def check(request: HttpRequest, action: Action) -> HttpResponse | None:
    """A redirect to sign in, a 403 raised, or None when the request may proceed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may(actor_of(request), action):
        raise PermissionDenied(str(action))
    return None


def requires(action: Action) -> Callable[[V], V]:
    """Decorate a page view: only signed-in users whose grants allow ``action`` reach it."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refused = check(request, action)
            return refused if refused is not None else view(request, *args, **kwargs)

        wrapped.required_action = action  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


class ActionRequiredMixin:
    """Class-based views: set ``action``; ``dispatch`` refuses as :func:`requires` does."""

    action: Action = Action.VIEW

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Check the action before the view runs."""
        refused = check(request, self.action)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


def api_requires(action: Action) -> Callable[[F], F]:
    """Decorate an API handler (below the route decorator): refuse with 403 unless allowed.

    Authentication is the API's own (token or session); here only the action is checked, and the
    refusal is an :class:`~tanji.tenancy.actor.AccessDenied`, answered like any CodedError.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            actor = actor_of(request)
            if not may(actor, action):
                raise AccessDenied(
                    "tenancy.access_denied",
                    "{username} may not {action} on {target}",
                    username=actor.username,
                    action=str(action),
                    target="this endpoint",
                )
            return view(request, *args, **kwargs)

        wrapped.required_action = action  # type: ignore[attr-defined]
        wrapped.__signature__ = _resolved_signature(view)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def _resolved_signature(view: Callable[..., Any]) -> inspect.Signature:
    """The view's signature with string annotations resolved in the view's own module.

    Ninja reads a handler's parameters from its signature and resolves string annotations in
    the *wrapper's* globals; resolving them here lets router modules keep
    ``from __future__ import annotations``.
    """
    signature = inspect.signature(view)
    try:
        hints = typing.get_type_hints(view, include_extras=True)  # keep Form[…], Query[…]
    except (NameError, TypeError):
        return signature
    parameters = [
        p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()
    ]
    return signature.replace(
        parameters=parameters, return_annotation=hints.get("return", signature.return_annotation)
    )
