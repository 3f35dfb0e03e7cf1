"""Terminal housekeeping over the uplink: signed heartbeats in, signed configuration out.

Heartbeats are verified like batches (enrolled, non-revoked key of the claimed device) but are
not evidence: the latest one is kept on the device for the operators' view. The configuration a
terminal fetches is signed with the platform key, lists the instruments the device reads (built
from the instrument ledger by :mod:`tanji.metrology.acquisition`, schema in
``docs/reference/terminal-config.md``) and the device's revoked key ids, so a terminal stops
trusting a rotated-out key of its own (uplink contract).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tanji.evidence.choices import ChannelChoices
from tanji.evidence.models import Device, TerminalKey
from tanji.ingest.authenticate import authenticate
from tanji.ingest.model import Refused, Submission
from tanji.metrology.acquisition import instrument_entries
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey

__all__ = [
    "CONFIG_PAYLOAD_TYPE",
    "HEARTBEAT_PAYLOAD_TYPE",
    "record_heartbeat",
    "signed_config",
]

HEARTBEAT_PAYLOAD_TYPE = "application/vnd.tanji.terminal-health.v1+json"
CONFIG_PAYLOAD_TYPE = "application/vnd.tanji.terminal-config.v1+json"
DEFAULT_BATCH = {"max_readings": 500, "max_age_s": 60}


def record_heartbeat(body: bytes, device_id: str, received_at: datetime) -> Device:
    """Verify a heartbeat envelope and keep its document on the device.

    Raises:
        CodedError: the authentication codes of batches, or ``ingest.bad_heartbeat``.
    """
    auth = authenticate(
        Submission(body, ChannelChoices.HTTPS, received_at, device_id=device_id),
        payload_type=HEARTBEAT_PAYLOAD_TYPE,
    )
    try:
        document: Any = json.loads(auth.payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        document = None
    if not isinstance(document, dict) or document.get("device") != device_id:
        raise Refused("ingest.bad_heartbeat", "the heartbeat is not this device's JSON object")
    device = auth.device
    assert device is not None
    Device.objects.filter(pk=device.pk).update(last_heartbeat_at=received_at, last_health=document)
    return device


def signed_config(device: Device, key: PrivateKey) -> bytes:
    """The device's configuration as a platform-signed DSSE envelope."""
    revoked = TerminalKey.objects.filter(device=device, revoked_at__isnull=False)
    device.refresh_from_db(fields=["config_version"])
    document = {
        "batch": DEFAULT_BATCH,
        "device": device.device_id,
        "instruments": instrument_entries(device),
        "revoked_keys": sorted(revoked.values_list("key_id", flat=True)),
        "version": device.config_version,
    }
    payload = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return encode_envelope(sign_envelope(CONFIG_PAYLOAD_TYPE, payload, key.signer()))
