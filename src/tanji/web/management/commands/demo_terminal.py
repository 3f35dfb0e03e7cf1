"""``tanji manage demo_terminal``: a demo terminal signs a line's meter readings of a period.

The demo's history is simulated straight into the store (ADR 0132), so no source ever signed it
and an evidence bundle of it would hold nothing to verify. This command plays the line's tanji
terminal for the meters the bundle figures read (clinker and raw-meal totalisers, the line's
energy meter): it enrols a terminal through a one-time code like a real one (its key kept
owner-only under ``<data dir>/keys``), signs the stored readings of ``[--from, --to)`` once per
``--step-minutes``, one batch a day, and delivers them through the real intake pipeline, so the
log, the receipts and the samples' evidence are what a live terminal would have produced
(ADR 0182).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tanji.config import load_settings
from tanji.evidence.figure_specs import LINE_METERS, SUB_METERS
from tanji.evidence.models import Device, RawEnvelope
from tanji.evidence.services import (
    EnrolmentRequest,
    enrol_terminal,
    issue_enrolment_code,
    register_device,
)
from tanji.evidence.signing import platform_key
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import ingest, received_now
from tanji.plant import queries as plant_queries
from tanji.plant.models import ProductionLine, Tag
from tanji.protocols.readings import BATCH_PAYLOAD_TYPE, Batch, Reading, encode_batch
from tanji.tenancy.actor import Actor
from tanji.timeseries.models import Sample
from tanji.timeseries.samples import ts_ms
from tanji.trust.dsse import encode_envelope, sign_envelope
from tanji.trust.keys import PrivateKey, generate_private_key, load_private_key_file
from tanji.web.management.arguments import add_period_arguments, utc_day

#: The meters the line's bundle figures read (``tanji.evidence.figure_specs``).
METERS = ("CLINKER-TOT", "RAWMEAL-TOT", *LINE_METERS, *SUB_METERS)


class Command(BaseCommand):
    """Sign and deliver a line's meter readings of a period as its demo terminal."""

    help = "Play a line's terminal: sign its stored meter readings of [--from, --to) and ingest."

    def add_arguments(self, parser: CommandParser) -> None:
        """Enterprise id, line code, first and end date (UTC, end exclusive), reading step."""
        add_period_arguments(parser)
        parser.add_argument("--line", required=True, help="line code, e.g. L1")
        parser.add_argument("--step-minutes", type=int, default=60, help="one reading per step")

    def handle(self, *args: Any, **options: Any) -> None:
        """Enrol (once), sign a batch per day, ingest, report."""
        actor = Actor.system()
        start, end = utc_day(options["first"]), utc_day(options["end"])
        if end <= start:
            raise CommandError("--to must be after --from")
        line = (
            plant_queries.lines(actor)
            .filter(enterprise_id=options["enterprise"], code=options["line"])
            .first()
        )
        if line is None:
            raise CommandError(f"no line {options['line']} in enterprise {options['enterprise']}")
        codes = [f"{line.code}-{m}" for m in METERS]
        tags = list(plant_queries.tags(actor, line_id=line.pk).filter(code__in=codes))
        if not tags:
            raise CommandError(f"line {line.code} has none of the meters {', '.join(METERS)}")
        device, key = _terminal(actor, line, start)
        delivered = _deliver(device, key, tags, (start, end), options["step_minutes"])
        self.stdout.write(f"{device.device_id}: {delivered} signed batches delivered")


def _deliver(
    device: Device,
    key: PrivateKey,
    tags: list[Tag],
    window: tuple[datetime, datetime],
    step_minutes: int,
) -> int:
    """Sign one batch per day of ``window`` and ingest it; the number accepted."""
    last = RawEnvelope.objects.filter(device=device).order_by("-seq").values_list("seq").first()
    seq = (last[0] if last else None) or 0
    delivered, day = 0, window[0]
    while day < window[1]:
        readings = _readings(tags, day, min(day + timedelta(days=1), window[1]), step_minutes)
        day += timedelta(days=1)
        if not readings:
            continue
        seq += 1
        batch = Batch(device.device_id, seq, received_now(), tuple(readings))
        signed = sign_envelope(BATCH_PAYLOAD_TYPE, encode_batch(batch), key.signer())
        body = encode_envelope(signed)
        submission = Submission(body, "https", received_now(), device_id=device.device_id)
        outcome = ingest(submission, key=platform_key())
        if outcome.error is not None:
            raise CommandError(f"batch {seq} refused: {outcome.error}")
        delivered += 1
    return delivered


def _terminal(actor: Actor, line: ProductionLine, start: datetime) -> tuple[Device, PrivateKey]:
    """The line's demo terminal and its key, enrolled through a one-time code the first time."""
    device_id = f"DEMO-{line.enterprise_id}-{line.code}"
    path = load_settings().data_dir / "keys" / f"{device_id}.pem"
    device = Device.objects.filter(device_id=device_id).first()
    if device is not None and path.exists():
        return device, load_private_key_file(path)
    if device is None:
        device = register_device(
            actor, enterprise_id=line.enterprise_id, device_id=device_id, enrolled_at=start
        )
    key = generate_private_key()
    code = issue_enrolment_code(actor, device)
    pem = key.public_key().to_pem()
    enrol_terminal(EnrolmentRequest(code, device_id, str(line.enterprise_id), pem))
    _save(path, key)
    return device, key


def _save(path: Path, key: PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.to_pem())


def _readings(tags: list[Tag], start: datetime, end: datetime, step_minutes: int) -> list[Reading]:
    """The first stored valid sample of each tag in every step of ``[start, end)``."""
    step = step_minutes * 60_000
    readings = []
    for tag in tags:
        rows = (
            Sample.objects.filter(tag_id=tag.pk, ts__gte=ts_ms(start), ts__lt=ts_ms(end), flag="N")
            .order_by("ts")
            .values_list("ts", "value")
        )
        bucket = None
        for ts, value in rows.iterator():
            if ts // step != bucket:
                bucket = ts // step
                at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ts)
                readings.append(Reading(tag.code, at, value, tag.unit))
    return readings
