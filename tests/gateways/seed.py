"""Seed a file database for gateway process tests: an enterprise, a CEMS tag, an HJ 212 logger.

Run as ``python -m tests.gateways.seed`` with the gateway's environment (after ``migrate``).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def seed() -> None:
    """Create the rows (idempotent enough for one fresh database)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django

    django.setup()
    from tanji.evidence.services import register_device
    from tanji.tenancy.actor import Actor
    from tests.plant.factories import SourceFactory, TagFactory

    source = SourceFactory()
    TagFactory(
        source=source,
        code="a21026-Avg",
        unit="mg/m3",
        quantity_kind="concentration",
        range_min=0.0,
        range_max=5000.0,
    )
    register_device(
        Actor.system(),
        enterprise_id=source.enterprise_id,
        device_id="42010000A8900016F0000001",
        kind="hj212",
        password="123456",
        enrolled_at=datetime(2025, 1, 1, tzinfo=UTC),
    )


if __name__ == "__main__":
    seed()
