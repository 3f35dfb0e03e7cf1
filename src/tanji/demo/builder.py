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

from tanji.demo.enterprises import ENTERPRISES, PROVINCE, DemoEnterprise, DemoUser, demo_users
from tanji.demo.metrology import build_metrology, qualify_reviewers
from tanji.demo.plant import build_plant
from tanji.tenancy import queries as tenancy_queries, services as tenancy_services
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import ROLE_SCOPE, ScopeChoices
from tanji.tenancy.credit_code import with_check_character
from tanji.tenancy.models import Enterprise, Province

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

    def add(self, created: T) -> T:
        """Count a newly created object and return it (``found or counter.add(create(...))``)."""
        self.created += 1
        return created


@dataclass
class DemoSummary:
    """What :func:`build_demo` did."""

    created: int
    logins: list[DemoLogin] = field(default_factory=list)


def generate_password() -> str:
    """A fresh random demo password (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


@transaction.atomic
def build_demo(
    password_factory: Callable[[], str] = generate_password,
    password_hash: Callable[[str], str] | None = None,
) -> DemoSummary:
    """Create (or complete) the demo province, enterprises, plants, instruments and users.

    ``password_hash`` returns the hash of a password from ``password_factory`` computed
    beforehand (``tanji demo`` hashes while it migrates); without it each account is hashed
    when it is created.
    """
    actor = Actor.system()
    counter = Counter()
    province = tenancy_queries.provinces(actor).filter(code=PROVINCE[0]).first() or counter.add(
        tenancy_services.create_province(
            actor, code=PROVINCE[0], name_zh=PROVINCE[1], name_en=PROVINCE[2]
        )
    )
    enterprises = {spec.slug: _enterprise(actor, counter, province, spec) for spec in ENTERPRISES}
    logins = [
        _login(actor, counter, province, enterprises, spec, (password_factory, password_hash))
        for spec in demo_users()
    ]
    for spec in ENTERPRISES:
        staff = tenancy_queries.users(actor).get(username=f"{spec.slug}.metering")
        build_plant(actor, counter, enterprises[spec.slug], spec, staff)
        build_metrology(actor, counter, enterprises[spec.slug], staff)
    qualify_reviewers(actor, counter, province)
    return DemoSummary(counter.created, logins)


def _enterprise(
    actor: Actor, counter: Counter, province: Province, spec: DemoEnterprise
) -> Enterprise:
    code = with_check_character(spec.credit_prefix)
    return tenancy_queries.enterprises(actor).filter(credit_code=code).first() or counter.add(
        tenancy_services.create_enterprise(
            actor,
            province_id=province.pk,
            name_zh=spec.name_zh,
            name_en=spec.name_en,
            credit_code=code,
            city=spec.city,
            address=spec.address,
        )
    )


def _login(
    actor: Actor,
    counter: Counter,
    province: Province,
    enterprises: dict[str, Enterprise],
    spec: DemoUser,
    passwords: tuple[Callable[[], str], Callable[[str], str] | None],
) -> DemoLogin:
    password: str | None = None
    user = tenancy_queries.users(actor).filter(username=spec.username).first()
    if user is None:
        factory, hasher = passwords
        password = factory()
        user = counter.add(
            tenancy_services.create_user(
                actor,
                username=spec.username,
                password=password,
                display_name=spec.display_name,
                password_hash=hasher(password) if hasher else None,
            )
        )
    enterprise = enterprises[spec.enterprise] if spec.enterprise else None
    province_scoped = ROLE_SCOPE[spec.role] == ScopeChoices.PROVINCE
    grants = tenancy_queries.memberships(actor).filter(user=user, role=spec.role)
    if not grants.filter(enterprise=enterprise).exists():
        counter.add(
            tenancy_services.grant_membership(
                actor,
                user_id=user.pk,
                role=spec.role,
                province_id=province.pk if province_scoped else None,
                enterprise_id=enterprise.pk if enterprise else None,
                year=spec.year,
            )
        )
    scope = enterprise.name_zh if enterprise else (province.name_zh if province_scoped else "平台")
    return DemoLogin(spec.username, spec.role, scope, password)
