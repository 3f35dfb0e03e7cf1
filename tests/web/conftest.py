"""A small world for page and API tests: two Hubei enterprises, one in Hunan, a user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tanji.metrology.models import Instrument
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import User
from tests.metrology.factories import InstrumentFactory
from tests.plant.factories import Tenant, build_tenant
from tests.tenancy.factories import EnterpriseFactory, ProvinceFactory, member

PASSWORD = "correct horse battery"


@dataclass
class WebWorld:
    """Tenants ``A`` and ``B`` (Hubei), ``C`` (Hunan); ``users`` hold roles on A or Hubei."""

    tenants: dict[str, Tenant]
    instruments: dict[str, Instrument]
    users: dict[str, User]


@pytest.fixture
def web_world(db: None) -> WebWorld:
    hubei = ProvinceFactory()
    hunan = ProvinceFactory(code="430000", name_zh="湖南省", name_en="Hunan")
    enterprises = {
        "A": EnterpriseFactory(province=hubei, city="420500"),
        "B": EnterpriseFactory(province=hubei, city="420200"),
        "C": EnterpriseFactory(province=hunan),
    }
    tenants = {name: build_tenant(e) for name, e in enterprises.items()}
    instruments = {}
    for name, tenant in tenants.items():
        staff = member(RoleChoices.METERING_STAFF, tenant.enterprise)
        instruments[name] = InstrumentFactory(
            enterprise=tenant.enterprise, responsible=staff, location=tenant.edge
        )
    a = enterprises["A"]
    users = {
        role: member(role, a, **({"year": 2025} if role == RoleChoices.VERIFIER else {}))
        for role in RoleChoices.values
    }
    return WebWorld(tenants, instruments, users)


def signed_in(client: Client, user: User) -> Client:
    """The client with ``user``'s session."""
    client.force_login(user)
    return client
