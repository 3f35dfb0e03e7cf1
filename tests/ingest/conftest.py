"""The two tenants ingest tests submit for: ``T`` (the sender) and ``O`` (another enterprise)."""

from __future__ import annotations

import pytest

from tests.evidence.factories import World, make_world


@pytest.fixture
def world() -> World:
    """Tenant T: an enrolled terminal, a legacy HJ 212 logger, coal feed T.COAL in t/h, 0–25."""
    return make_world("T")


@pytest.fixture
def other() -> World:
    """Tenant O: a second enterprise whose tags and devices T must never reach."""
    return make_world("O")
