"""Seed a file database for gateway process tests: an enterprise, a CEMS tag, an HJ 212 logger.

Run as ``python -m tests.gateways.seed`` with the gateway's environment (after ``migrate``).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime


def seed(loggers: int = 1) -> None:
    """Create the rows (idempotent enough for one fresh database).

    Args:
        loggers: HJ 212 loggers ``42010000A8900016F0000001…``, each of its own enterprise with
            its own ``a21026-Avg`` tag.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django

    django.setup()
    from tanji.evidence.services import register_device
    from tanji.tenancy.actor import Actor
    from tests.plant.factories import SourceFactory, TagFactory

    for n in range(1, loggers + 1):
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
            device_id=f"42010000A8900016F{n:07d}",
            kind="hj212",
            password="123456",
            enrolled_at=datetime(2025, 1, 1, tzinfo=UTC),
        )


def seed_plant(public_keys_pem: list[str]) -> None:
    """The simulated line: its tags, its CEMS logger's codes, and terminals with these keys."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django

    django.setup()
    from tanji.simulator import TAGS
    from tests.plant.factories import SourceFactory, TagFactory

    source = SourceFactory()
    for spec in TAGS:
        TagFactory(source=source, code=spec.code, unit=spec.unit, **WIDE)
    _logger_and_terminals(source, public_keys_pem)
    sys.stdout.write(f"{source.enterprise_id}\n")


def seed_line(public_keys_pem: list[str]) -> None:
    """A demo line bound for the emission engine, its HJ 212 logger's tags on the line.

    Lab analyses are recorded for ``[TANJI_TEST_LAB_FROM - 3 days, TANJI_TEST_LAB_TO)``.

    Prints one JSON line: the enterprise and line ids and an API token of its metering staff.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django

    django.setup()
    import json

    from tanji.plant import queries as plant_queries
    from tanji.tenancy.actor import Actor
    from tanji.tenancy.credentials.services import issue_token
    from tanji.tenancy.models import Membership
    from tests.emissions.factories import record_lab, simulated_line

    sim = simulated_line()
    lab = [datetime.fromisoformat(os.environ[f"TANJI_TEST_LAB_{e}"]) for e in ("FROM", "TO")]
    record_lab(sim, *lab)
    source = plant_queries.sources(Actor.system(), line_id=sim.line.pk).first()
    _logger_and_terminals(source, public_keys_pem)
    staff = Membership.objects.filter(enterprise_id=sim.enterprise_id).first()
    assert staff is not None
    _, secret = issue_token(Actor.for_user(staff.user), "end-to-end")
    answer = {"enterprise": sim.enterprise_id, "line": sim.line.pk, "token": secret}
    sys.stdout.write(json.dumps(answer) + "\n")


WIDE = {"range_min": -1e12, "range_max": 1e12, "quantity_kind": "mass_flow"}


def _logger_and_terminals(source: object, public_keys_pem: list[str]) -> None:
    """Every HJ 212 code's tags on ``source`` (and its line), the logger, the terminals."""
    from tanji.evidence.models import TerminalKey
    from tanji.evidence.services import register_device
    from tanji.protocols.hj212 import pollutant_table
    from tanji.tenancy.actor import Actor
    from tanji.trust.keys import load_public_key
    from tests.plant.factories import TagFactory

    enterprise_id = source.enterprise_id  # type: ignore[attr-defined]
    for p in pollutant_table().values():
        for suffix in ("Rtd", "Min", "Avg", "Max"):
            TagFactory(source=source, code=f"{p.code}-{suffix}", unit=p.unit, **WIDE)
        if p.cou_unit:
            TagFactory(source=source, code=f"{p.code}-Cou", unit=p.cou_unit, **WIDE)
    since = datetime(2020, 1, 1, tzinfo=UTC)
    register_device(
        Actor.system(),
        enterprise_id=enterprise_id,
        device_id="42010000A8900016F0000001",
        kind="hj212",
        password="123456",
        enrolled_at=since,
    )
    for n, pem in enumerate(public_keys_pem, start=1):
        device = register_device(
            Actor.system(),
            enterprise_id=enterprise_id,
            device_id=f"T-E2E-{n}",
            enrolled_at=since,
        )
        pem = pem.strip() + "\n"
        key = load_public_key(pem.encode())
        TerminalKey.objects.create(
            device=device,
            key_id=key.key_id,
            suite=key.suite,
            public_key_pem=pem,
            enrolled_at=since,
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["plant"]:
        seed_plant(os.environ["TANJI_TEST_TERMINAL_KEYS"].split("\n\n"))
    elif sys.argv[1:2] == ["line"]:
        seed_line(os.environ["TANJI_TEST_TERMINAL_KEYS"].split("\n\n"))
    elif sys.argv[1:2] == ["loggers"]:
        seed(int(sys.argv[2]))
    else:
        seed()
