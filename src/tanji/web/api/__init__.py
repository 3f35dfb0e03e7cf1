"""The REST API at ``/api/v1/`` (Django Ninja): one router module per context.

Conventions every router follows (see ``docs/adr/0102-rest-api.md``):

- a module ``tanji.web.api.<context>`` defines ``router = Router(tags=[...])`` and is listed in
  :data:`tanji.web.api.routers.ROUTERS`;
- every handler carries ``@api_requires(Action.X)`` (below the route and ``@paginate``
  decorators) — a test fails for a handler without one; router modules do not use
  ``from __future__ import annotations`` (Ninja must see real classes through the wrapper);
- handlers take the actor with :func:`tanji.web.access.actor_of` and call the context's queries
  and services only; a list route is ``@paginate``-d and filters by query parameters;
- schemas are ``XxxOut`` / ``XxxCreate`` / ``XxxUpdate``; numbers carry their unit in the name;
- refusals are CodedErrors: NotFound → 404, AccessDenied → 403, other CodedErrors → 400, each
  answered as ``{"code", "message", "params"}`` with the message in the request's language;
- programs authenticate with ``Authorization: Bearer <token>``; pages use the session (CSRF).
"""
