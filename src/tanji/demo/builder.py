"""Build the demo data set through the services, idempotently.

Every object is looked up by its natural key first (credit code, site/line/tag/instrument code,
diagram of a line, node/edge key, username, sample id) and created only when missing, so running
the builder twice changes nothing and writes no second audit entry. Passwords are generated for
new accounts only and returned once; they are demo credentials, never stored in the repository.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import transaction

from tanji.demo.enterprises import ENTERPRISES, PROVINCE, DemoEnterprise, demo_users
from tanji.demo.plant import build_plant
from tanji.tenancy import queries as tenancy_queries, services as tenancy_services
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import Enterprise, Province, User

T = TypeVar("T")


@dataclass(frozen=True)
class DemoLogin:
    """A demo account; ``password`` is set only when the account was created by this run."""

    username: str
    role: str
    scope: str
    password: str | None


@dataclass
class Counter:
    """How many objects a run created (0 on a re-run)."""

    created: int = 0

    def ensure(self, existing: T | None, create: Callable[[], T]) -> T:
        """Return ``existing`` or the result of ``create()`` (counted)."""
        if existing is not None:
            return existing
        self.created += 1
        return create()


@dataclass
class DemoSummary:
    """What :func:`build_demo` did."""

    created: int
    logins: list[DemoLogin] = field(default_factory=list)


def generate_password() -> str:
    """A fresh random demo password (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


@transaction.atomic
def build_demo(password_factory: Callable[[], str] = generate_password) -> DemoSummary:
    """Create (or complete) the demo province, enterprises, plants, instruments and users."""
    actor = Actor.system()
    counter = Counter()
    province = counter.ensure(
        Province.objects.filter(code=PROVINCE[0]).first(),
        lambda: tenancy_services.create_province(
            actor, code=PROVINCE[0], name_zh=PROVINCE[1], name_en=PROVINCE[2]
        ),
    )
    enterprises = {spec.slug: _enterprise(actor, counter, province, spec) for spec in ENTERPRISES}
    logins = _users(actor, counter, province, enterprises, password_factory)
    for spec in ENTERPRISES:
        staff = User.objects.get(username=f"{spec.slug}.metering")
        build_plant(actor, counter, enterprises[spec.slug], spec, staff)
    return DemoSummary(counter.created, logins)


def _enterprise(
    actor: Actor, counter: Counter, province: Province, spec: DemoEnterprise
) -> Enterprise:
    from tanji.tenancy.credit_code import with_check_character

    code = with_check_character(spec.credit_prefix)
    return counter.ensure(
        tenancy_queries.enterprises(actor).filter(credit_code=code).first(),
        lambda: tenancy_services.create_enterprise(
            actor, province_id=province.pk, name_zh=spec.name_zh, name_en=spec.name_en,
            credit_code=code, city=spec.city, address=spec.address,
        ),
    )


def _users(
    actor: Actor,
    counter: Counter,
    province: Province,
    enterprises: dict[str, Enterprise],
    password_factory: Callable[[], str],
) -> list[DemoLogin]:
    logins = []
    for spec in demo_users():
        password: str | None = None
        user = tenancy_queries.users(actor).filter(username=spec.username).first()
        if user is None:
            password = password_factory()
            user = counter.ensure(None, lambda s=spec, p=password: tenancy_services.create_user(
                actor, username=s.username, password=p, display_name=s.display_name
            ))
        enterprise = enterprises[spec.enterprise] if spec.enterprise else None
        province_id = province.pk if spec.role in {"regulator", "metrology_reviewer"} else None
        existing = tenancy_queries.memberships(actor).filter(
            user=user, role=spec.role, enterprise=enterprise, province_id=province_id
        ).first()
        counter.ensure(existing, lambda u=user, s=spec, e=enterprise, p=province_id: (
            tenancy_services.grant_membership(
                actor, user_id=u.pk, role=s.role, province_id=p,
                enterprise_id=e.pk if e else None, year=s.year,
            )
        ))
        scope = enterprise.name_zh if enterprise else (province.name_zh if province_id else "平台")
        logins.append(DemoLogin(spec.username, spec.role, scope, password))
    return logins
