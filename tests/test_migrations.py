"""Migrations match the models (``makemigrations --check``) and apply on the test engine."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def test_no_model_change_lacks_a_migration() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_domain_tables_exist() -> None:
    tables = set(connection.introspection.table_names())
    assert {
        "tenancy_enterprise",
        "plant_tag",
        "metrology_instrument",
        "tenancy_auditentry",
    } <= tables
