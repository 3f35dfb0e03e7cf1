"""Figures from unsigned samples (HJ 212 loggers, manual readings) show ``unsigned_source``."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from tanji.emissions import services
from tanji.emissions.models import EmissionFigure, EmissionTotal
from tanji.evidence.choices import ChannelChoices, TrustLevelChoices
from tanji.evidence.log import append_envelope
from tanji.evidence.models import RawEnvelope
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import ts_ms
from tests.emissions.factories import SimulatedLine, feed, simulated_line

pytestmark = pytest.mark.django_db
START = datetime(2025, 6, 2, tzinfo=UTC)
HOUR = 3_600_000


def _delivered_unsigned(sim: SimulatedLine, tag: str, hour: int, start: datetime = START) -> None:
    """Mark one hour of a tag's samples as delivered by an HJ 212 logger (an unsigned envelope)."""
    body = f"##unsigned frame {tag} {hour}".encode()
    index = append_envelope(body, START)
    envelope = RawEnvelope.objects.create(
        enterprise_id=sim.enterprise_id, channel=ChannelChoices.HJ212,
        trust_level=TrustLevelChoices.UNSIGNED, body=body, sha256=hashlib.sha256(body).hexdigest(),
        received_at=START, log_index=index, sample_count=60,
    )  # fmt: skip
    first = ts_ms(start) + hour * HOUR
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE timeseries_sample SET evidence_id = %s WHERE tag_id = %s AND ts >= %s"
            " AND ts < %s",
            [envelope.pk, sim.tag_ids[tag], first, first + HOUR],
        )


def test_unsigned_hours_lower_the_figures_and_their_totals() -> None:
    sim = simulated_line()
    end = START + timedelta(hours=3)
    feed(sim, START, end)
    _delivered_unsigned(sim, "L1-COAL-CA-TOT", 1)
    _delivered_unsigned(sim, "L1-CEMS-CO2", 2)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    coal = EmissionFigure.objects.filter(line=sim.line, source__kind="coal_calciner")
    by_hour = dict(coal.values_list("hour", "quality"))
    assert by_hour == {
        ts_ms(START): "complete",
        ts_ms(START) + HOUR: "unsigned_source",
        ts_ms(START) + 2 * HOUR: "complete",
    }
    cems = EmissionFigure.objects.filter(line=sim.line, method="cems")
    assert dict(cems.values_list("hour", "quality"))[ts_ms(START) + 2 * HOUR] == "unsigned_source"
    daily = EmissionTotal.objects.filter(enterprise_id=sim.enterprise_id, period="d")
    assert "unsigned_source" in set(daily.values_list("quality", flat=True))


def test_signed_or_envelope_less_samples_keep_their_quality() -> None:
    sim = simulated_line()
    end = START + timedelta(hours=2)
    feed(sim, START, end)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(end))
    qualities = set(EmissionFigure.objects.filter(line=sim.line).values_list("quality", flat=True))
    assert "unsigned_source" not in qualities
