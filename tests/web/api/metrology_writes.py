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
from tests.web.conftest import WebWorld

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
