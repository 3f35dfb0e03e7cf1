"""The intake card: envelopes of the last hour per visible enterprise, by trust level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tanji.evidence.models import RawEnvelope
from tanji.tenancy.actor import Actor
from tanji.web.pages.overview.intake import intake_rows
from tests.web.conftest import WebWorld, signed_in

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _envelope(enterprise_id: int, level: str, samples: int, ago_min: int, index: int) -> None:
    RawEnvelope.objects.create(
        enterprise_id=enterprise_id,
        channel="https" if level == "signed" else "hj212",
        trust_level=level,
        body=b"x",
        sha256=f"{index:064x}",
        seq=index if level == "signed" else None,
        received_at=NOW - timedelta(minutes=ago_min),
        log_index=index,
        sample_count=samples,
    )


def test_signed_and_unsigned_intake_of_the_last_hour_per_visible_enterprise(
    client: Client, web_world: WebWorld
) -> None:
    own = web_world.tenants["A"].enterprise
    other = web_world.tenants["B"].enterprise
    _envelope(own.pk, "signed", 54, 2, 1)
    _envelope(own.pk, "signed", 50, 30, 2)
    _envelope(own.pk, "unsigned", 7, 5, 3)
    _envelope(own.pk, "signed", 99, 90, 4)  # older than an hour
    _envelope(other.pk, "signed", 11, 1, 5)
    viewer = web_world.users["viewer"]
    (row,) = intake_rows(Actor.for_user(viewer), NOW)
    assert row == {
        "name": str(own),
        "signed_envelopes": 2,
        "signed_samples": 104,
        "unsigned_envelopes": 1,
        "unsigned_samples": 7,
        "last": NOW - timedelta(minutes=2),
    }
    signed_in(client, viewer)
    for page in ("pages:overview", "pages:metering"):
        body = client.get(reverse(page)).content.decode()
        assert 'id="data-intake"' in body
        assert str(other) not in body
