"""``tanji manage assign_instrument``: let a terminal read a ledger instrument (R9.x).

The operator's command-line twin of ``PUT /api/v1/terminals/{device}/instruments/{id}``: the
same service, validation and audit entry, run as the platform. The JSON arguments follow the
configuration schema (``docs/reference/terminal-config.md``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanji.errors import CodedError
from tanji.metrology import queries
from tanji.metrology.acquisition import assign_instrument
from tanji.tenancy.actor import Actor


class Command(BaseCommand):
    """Assign an instrument (by enterprise and ledger code) to a terminal."""

    help = "Let terminal DEVICE read instrument CODE through a driver (raises its config version)."

    def add_arguments(self, parser: CommandParser) -> None:
        """Device, instrument code, driver and its JSON settings."""
        parser.add_argument("device", help="terminal device id")
        parser.add_argument("instrument", help="instrument ledger code")
        parser.add_argument("--enterprise", type=int, required=True, help="enterprise id")
        parser.add_argument("--driver", required=True, help="modbus_tcp, modbus_rtu, …")
        parser.add_argument("--connection", type=json.loads, default={}, help="JSON object")
        parser.add_argument("--points", type=json.loads, required=True, help="JSON object")
        parser.add_argument("--scan-s", type=int, default=60, help="scan period in seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        """Assign and print the device's new configuration version."""
        instrument = (
            queries.instruments(Actor.system())
            .filter(enterprise_id=options["enterprise"], code=options["instrument"])
            .first()
        )
        if instrument is None:
            raise CommandError(f"no instrument {options['instrument']} in that enterprise")
        try:
            row = assign_instrument(
                Actor.system(),
                device_id=options["device"],
                instrument_id=instrument.pk,
                driver=options["driver"],
                connection=options["connection"],
                points=options["points"],
                scan_s=options["scan_s"],
            )
        except CodedError as error:
            raise CommandError(f"[{error.code}] {error}") from None
        row.device.refresh_from_db(fields=["config_version"])
        self.stdout.write(
            f"{row.device.device_id} configuration version {row.device.config_version}"
        )
