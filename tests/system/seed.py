"""Operator actions on a file database for the terminal-platform system tests.

Run as ``python -m tests.system.seed ACTION ...`` with the platform's environment (after
``migrate``): ``plant`` creates the simulated line's tags and prints the enterprise id;
``code ENTERPRISE DEVICE`` registers a terminal and prints a one-time enrolment code;
``revoke DEVICE`` revokes every key of that terminal; ``instrument ENTERPRISE CODE TAG...``
enters a ledger instrument producing those tags; ``field ENTERPRISE DEVICE SPEC`` enters the
instruments of a JSON list (``code``, ``tags``, ``driver``, ``connection``, ``points``,
``scan_s``) and assigns each to the terminal through the platform's service; ``tags
ENTERPRISE LINE SPEC`` adds production line LINE with the tags of a JSON list of ``[code,
unit]`` (wide ranges).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanji.web.settings")
    import django

    django.setup()


#: A laboratory tag fed from the LIMS export folder.
LAB_TAG = ("LAB.COAL.NCV", "GJ/t")


def plant() -> str:
    """The simulated line's tags (wide ranges: the test checks delivery, not plausibility)."""
    from tanji.simulator import TAGS, TagKind
    from tests.plant.factories import SourceFactory, TagFactory

    source = SourceFactory()
    wide = {"range_min": -1e12, "range_max": 1e12, "quantity_kind": "mass_flow"}
    for spec in TAGS:
        counter = spec.kind is TagKind.TOTAL_INCREASING
        kind = {"aggregation": "total_increasing", "rollover_max": spec.register_max}
        TagFactory(
            source=source, code=spec.code, unit=spec.unit, **wide, **(kind if counter else {})
        )
    TagFactory(source=source, code=LAB_TAG[0], unit=LAB_TAG[1], **wide)
    return str(source.enterprise_id)


def tags(enterprise: str, line_code: str, spec: str) -> str:
    """Another line of ``enterprise`` and its tags, given as a JSON list of ``[code, unit]``."""
    import json

    from tanji.plant.models import Site
    from tests.plant.factories import LineFactory, SourceFactory, TagFactory

    site = Site.objects.filter(enterprise_id=int(enterprise)).first()
    line = LineFactory(site=site, code=line_code)
    source = SourceFactory(line=line, code=f"{line_code}-CEMS", kind="coal_calciner")
    wide = {"range_min": -1e12, "range_max": 1e12, "quantity_kind": "mass_flow"}
    made = [TagFactory(source=source, code=c, unit=u, **wide) for c, u in json.loads(spec)]
    return str(len(made))


def instrument(enterprise: str, code: str, *tags: str) -> str:
    """A ledger instrument of ``enterprise`` producing ``tags``; prints its id."""
    from tanji.plant.models import Tag
    from tests.metrology.factories import InstrumentFactory
    from tests.tenancy.factories import UserFactory

    owner = UserFactory(username=f"owner-{code.lower()}")
    from tanji.tenancy.models import Enterprise

    owner_of = Enterprise.objects.get(pk=int(enterprise))
    row = InstrumentFactory(enterprise=owner_of, code=code, responsible=owner)
    row.tags.set(Tag.objects.filter(enterprise_id=int(enterprise), code__in=tags))
    return str(row.pk)


def code(enterprise: str, device: str) -> str:
    """Register ``device`` and issue its one-time enrolment code (the operator's two steps)."""
    from tanji.evidence.services import issue_enrolment_code, register_device
    from tanji.tenancy.actor import Actor

    since = datetime(2025, 1, 1, tzinfo=UTC)  # installed before the simulated history
    row = register_device(
        Actor.system(), enterprise_id=int(enterprise), device_id=device, enrolled_at=since
    )
    return issue_enrolment_code(Actor.system(), row)


def revoke(device: str) -> str:
    """Revoke every key of ``device`` (the operator's reaction to a stolen terminal)."""
    from tanji.evidence.models import TerminalKey
    from tanji.evidence.services import revoke_key
    from tanji.tenancy.actor import Actor

    keys = TerminalKey.objects.filter(device__device_id=device, revoked_at__isnull=True)
    return " ".join(revoke_key(Actor.system(), k.key_id).key_id for k in keys)


def field(enterprise: str, device: str, spec: str) -> str:
    """Ledger instruments assigned to ``device`` (one process for all: quicker than one each)."""
    import json

    from tanji.evidence.models import Device
    from tanji.metrology.acquisition import assign_instrument
    from tanji.tenancy.actor import Actor

    for entry in json.loads(spec):
        row = instrument(enterprise, entry["code"], *entry["tags"])
        assign_instrument(
            Actor.system(),
            device_id=device,
            instrument_id=int(row),
            driver=entry["driver"],
            connection=entry["connection"],
            points=entry["points"],
            scan_s=entry.get("scan_s", 60),
        )
    return str(Device.objects.get(device_id=device).config_version)


if __name__ == "__main__":
    _setup()
    action, *arguments = sys.argv[1:]
    actions = {"plant": plant, "code": code, "revoke": revoke, "instrument": instrument}
    actions["field"], actions["tags"] = field, tags
    sys.stdout.write(actions[action](*arguments) + "\n")
