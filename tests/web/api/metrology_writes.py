"""The table behind the metrology write-route tests: one row per route, four checks per row.

Each :class:`Case` names the route, the role least privileged to use it, a good request on tenant
``A``, the audit entry it must leave, a role that must be refused, and a bad request with the
exact coded error expected. The same request aimed at tenant ``B`` must answer 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.test.client import MULTIPART_CONTENT

from tanji.metrology.models import Review
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import AuditEntry
from tests.metrology.factories import MetrologyWorld, build_metrology, qualify, qualify_reviewer
from tests.web.conftest import WebWorld, signed_in

Payload = Callable[["Env", str], dict[str, Any]]


@dataclass
class Env:
    """The web world plus one of every metrology object for tenants A and B."""

    world: WebWorld
    m: dict[str, MetrologyWorld]

    def ent(self, tenant: str) -> int:
        return self.world.tenants[tenant].enterprise.pk

    def staff(self) -> int:
        return self.world.users[RoleChoices.METERING_STAFF].pk


def build_env(world: WebWorld) -> Env:
    """Metrology objects for A and B, qualified signers in A, returned reviews with a finding."""
    m = {t: build_metrology(world.instruments[t]) for t in ("A", "B")}
    for t in ("A", "B"):
        Review.objects.filter(pk=m[t].review.pk).update(state="returned")
    a = world.tenants["A"].enterprise
    for role in (RoleChoices.METERING_STAFF, RoleChoices.ENTERPRISE_ADMIN):
        qualify(world.users[role], a)
    qualify_reviewer(world.users[RoleChoices.METROLOGY_REVIEWER], a.province)
    return Env(world, m)


@dataclass(frozen=True)
class Case:
    """One write route and what it must do."""

    name: str
    method: str
    url: Callable[[Env, str], str]
    good: Payload
    audit: tuple[str, str]
    bad: Payload | None
    code: str
    role: str = RoleChoices.METERING_STAFF
    wrong_role: str = RoleChoices.LAB_STAFF
    multipart: bool = False
    bad_status: int = 400
    params: dict[str, str] = field(default_factory=dict)


def send(client: Client, case: Case, env: Env, tenant: str, payload: dict[str, Any]) -> Any:
    """Send ``payload`` the way the route takes it (JSON or multipart)."""
    url = case.url(env, tenant)
    if case.method == "delete":
        return client.delete(url)
    call = getattr(client, case.method)
    if case.multipart:
        return call(url, payload, content_type=MULTIPART_CONTENT)
    return call(url, json.dumps(payload), content_type="application/json")


def audit_count(case: Case) -> int:
    """Entries of the case's object type and action so far."""
    object_type, action = case.audit
    return AuditEntry.objects.filter(object_type=object_type, action=action).count()


def check_write_is_audited(client: Client, world: WebWorld, case: Case) -> None:
    """The least-privileged role succeeds on its own tenant and leaves one audit entry."""
    env = build_env(world)
    before = audit_count(case)
    reply = send(signed_in(client, world.users[case.role]), case, env, "A", case.good(env, "A"))
    assert reply.status_code in (200, 201, 204), reply.content
    assert audit_count(case) == before + 1


def check_wrong_role_is_refused(client: Client, world: WebWorld, case: Case) -> None:
    """A role without the permission gets 403 ``tenancy.access_denied`` and changes nothing."""
    env = build_env(world)
    before = audit_count(case)
    user = world.users[case.wrong_role]
    reply = send(signed_in(client, user), case, env, "A", case.good(env, "A"))
    assert reply.status_code == 403
    assert reply.json()["code"] == "tenancy.access_denied"
    assert audit_count(case) == before


def check_other_tenant_is_not_found(client: Client, world: WebWorld, case: Case) -> None:
    """The same request aimed at tenant B answers 404 ``tenancy.not_found``, nothing audited."""
    env = build_env(world)
    before = audit_count(case)
    reply = send(signed_in(client, world.users[case.role]), case, env, "B", case.good(env, "B"))
    assert reply.status_code == 404, reply.content
    assert reply.json()["code"] == "tenancy.not_found"
    assert audit_count(case) == before


def check_bad_input_is_coded(client: Client, world: WebWorld, case: Case) -> None:
    """The bad request gets its exact coded error and parameters, nothing audited."""
    env = build_env(world)
    assert case.bad is not None
    before = audit_count(case)
    reply = send(signed_in(client, world.users[case.role]), case, env, "A", case.bad(env, "A"))
    assert reply.status_code == case.bad_status, reply.content
    body = reply.json()
    assert body["code"] == case.code
    assert case.params.items() <= body["params"].items()
    assert audit_count(case) == before
