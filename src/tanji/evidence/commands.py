"""Platform-signed terminal commands: issued by people, polled by terminals.

The terminal accepts a command only when the platform key signed it, it names the terminal and
its ``seq`` is above the last one it executed, so serving the recent ones again on every poll is
safe; nothing needs to be marked delivered.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max

from tanji.errors import CodedError
from tanji.evidence.models import Device, TerminalCommand
from tanji.tenancy import audit, queries as tenancy_queries
from tanji.tenancy.actor import Actor
from tanji.tenancy.permissions import Action
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey

__all__ = ["COMMANDS", "COMMAND_PAYLOAD_TYPE", "issue_command", "pending_commands"]

COMMAND_PAYLOAD_TYPE = "application/vnd.tanji.terminal-command.v1+json"
COMMANDS = frozenset({"reload_config", "send_status", "rotate_receipts", "restart"})
#: How long a command is served to polling terminals.
SERVED_FOR = timedelta(days=7)


@transaction.atomic
def issue_command(
    actor: Actor, device: Device, command: str, args: dict[str, Any], *, key: PrivateKey
) -> TerminalCommand:
    """Sign and queue ``command`` for ``device`` with the next sequence number."""
    actor.require(Action.EDIT_TAGS, tenancy_queries.enterprise(actor, device.enterprise_id))
    if command not in COMMANDS:
        raise CodedError(
            "evidence.unknown_command",
            "command {command!r} is not one of {known}",
            command=command,
            known=sorted(COMMANDS),
        )
    last = TerminalCommand.objects.filter(device=device).aggregate(m=Max("seq"))["m"] or 0
    document = {"args": args, "command": command, "device": device.device_id, "seq": last + 1}
    payload = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    envelope = encode_envelope(sign_envelope(COMMAND_PAYLOAD_TYPE, payload, key.signer()))
    row = TerminalCommand.objects.create(
        device=device,
        seq=last + 1,
        command=command,
        envelope=envelope,
        created_at=datetime.now(UTC),
    )
    audit.record(actor, "issue_command", row, None, document)
    return row


def pending_commands(device: Device, now: datetime | None = None) -> list[bytes]:
    """The device's recent signed commands, oldest first."""
    since = (now or datetime.now(UTC)) - SERVED_FOR
    rows = TerminalCommand.objects.filter(device=device, created_at__gte=since).order_by("seq")
    return [bytes(row.envelope) for row in rows]
