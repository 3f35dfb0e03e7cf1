"""An intake world: an enterprise with tags, a terminal with an enrolled key, an HJ 212 logger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tanji.evidence.choices import DeviceKindChoices
from tanji.evidence.models import Device, TerminalKey
from tanji.plant.models import Tag
from tanji.protocols.readings import BATCH_PAYLOAD_TYPE, Batch, Reading, encode_batch
from tanji.tenancy.models import Enterprise
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey, generate_private_key
from tests.plant.factories import SourceFactory, TagFactory

ENROLLED = datetime(2025, 1, 1, tzinfo=UTC)
HJ212_PASSWORD = "123456"


@dataclass
class World:
    """Everything a pipeline test needs, with a helper to sign batches."""

    enterprise: Enterprise
    coal: Tag
    moisture: Tag
    cems: Tag
    terminal: Device
    key: PrivateKey
    logger: Device
    platform: PrivateKey = field(default_factory=generate_private_key)

    def batch(self, seq: int, readings: list[Reading] | None = None, device: str = "") -> Batch:
        """A batch of this terminal (by default three coal-feed minutes)."""
        start = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)
        default = [
            Reading(self.coal.code, start + timedelta(minutes=seq * 3 + i), 12.0 + i, "t/h")
            for i in range(3)
        ]
        return Batch(device or self.terminal.device_id, seq, start, tuple(readings or default))

    def envelope(self, batch: Batch, key: PrivateKey | None = None) -> bytes:
        """The DSSE envelope bytes of ``batch`` signed by ``key`` (the enrolled key)."""
        signed = sign_envelope(BATCH_PAYLOAD_TYPE, encode_batch(batch), (key or self.key).signer())
        return encode_envelope(signed)


def make_device(enterprise: Enterprise, device_id: str, key: PrivateKey | None = None) -> Device:
    """A terminal of ``enterprise`` with ``key`` enrolled (when given)."""
    device = Device.objects.create(
        enterprise=enterprise,
        device_id=device_id,
        kind=DeviceKindChoices.TERMINAL,
        enrolled_at=ENROLLED,
    )
    if key is not None:
        public = key.public_key()
        TerminalKey.objects.create(
            device=device,
            key_id=public.key_id,
            suite=public.suite,
            public_key_pem=public.to_pem().decode("ascii"),
            enrolled_at=ENROLLED,
        )
    return device


def make_world(prefix: str = "T") -> World:
    """One enterprise with three tags, a terminal and an HJ 212 logger."""
    from tanji.evidence.services import _password_digest

    source = SourceFactory()
    enterprise = source.enterprise
    coal = TagFactory(source=source, code=f"{prefix}.COAL", unit="t/h", range_max=25.0)
    moisture = TagFactory(
        source=source,
        code=f"{prefix}.H2O",
        unit="%",
        quantity_kind="mass_fraction",
        range_min=0.0,
        range_max=40.0,
    )
    cems = TagFactory(
        source=source,
        code="a21026-Avg" if prefix == "T" else f"{prefix}.SO2",
        unit="mg/m3",
        quantity_kind="concentration",
        range_min=0.0,
        range_max=5000.0,
    )
    key = generate_private_key()
    terminal = make_device(enterprise, f"{prefix}-4201-01", key)
    logger = Device.objects.create(
        enterprise=enterprise,
        device_id=f"{prefix}88888880000001",
        kind=DeviceKindChoices.HJ212,
        password_digest=_password_digest(f"{prefix}88888880000001", HJ212_PASSWORD),
        enrolled_at=ENROLLED,
    )
    return World(enterprise, coal, moisture, cems, terminal, key, logger)


def clear_timeseries() -> None:
    """Empty the unmanaged time-series tables (transactional tests do not flush them)."""
    from django.db import connection

    tables = ["timeseries_sample", "timeseries_sample_history", "timeseries_rollup"]
    if connection.vendor == "sqlite":
        tables.append("timeseries_sample_recent")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
