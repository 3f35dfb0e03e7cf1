"""The overview's live section: the emission engine's figures per enterprise and line, ±U."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tanji.emissions import queries, services
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.samples import ts_ms
from tests.emissions.factories import SimulatedLine, feed, record_lab, simulated_line
from tests.tenancy.factories import MembershipFactory
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

START = datetime(2025, 6, 1, 16, tzinfo=UTC)  # local midnight, 2 June
AT = START + timedelta(hours=5)


@pytest.fixture
def sim() -> SimulatedLine:
    line = simulated_line()
    end = START + timedelta(hours=4)
    record_lab(line, START, end)
    feed(line, START, end)
    services.recompute(Actor.system(), line.line.pk, ts_ms(START), ts_ms(end))
    services.recompute_site(Actor.system(), line.line.site_id, ts_ms(START), ts_ms(end))
    return line


def test_overview_shows_both_boundaries_per_enterprise_and_line(
    client: Client, sim: SimulatedLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tanji.web.pages.overview import live

    viewer = MembershipFactory(enterprise_id=sim.enterprise_id, role=RoleChoices.VIEWER).user
    original = live.live_rows
    monkeypatch.setattr(live, "live_rows", lambda actor, at=None: original(actor, AT))
    signed_in(client, viewer)
    body = client.get(reverse("pages:overview")).content.decode()
    today = {
        p.period: p
        for p in queries.summary(Actor.for_user(viewer), sim.enterprise_id, at=AT).periods
    }["today"]
    clinker = today.boundaries["clinker"]
    assert clinker.co2_t > 0
    assert f"{clinker.co2_t:.5g} ± {float(f'{clinker.u_t:.2g}'):g} t CO2" in body
    assert str(sim.line) in body
    assert 'id="live-emissions"' in body


def test_metering_lists_todays_shares_per_source_at_both_boundaries(
    client: Client, sim: SimulatedLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tanji.web.pages.overview import live, views

    viewer = MembershipFactory(enterprise_id=sim.enterprise_id, role=RoleChoices.VIEWER).user
    monkeypatch.setattr(views, "source_shares", lambda actor: live.source_shares(actor, AT))
    signed_in(client, viewer)
    body = client.get(reverse("pages:metering")).content.decode()
    shares = live.source_shares(Actor.for_user(viewer), AT)
    clinker = [s for g in shares if g["boundary"] == "熟料生产核算边界" for s in g["shares"]]
    assert clinker
    assert clinker[0]["name"] in body
    assert "窑尾烟囱" in body or "化石燃料燃烧" in body
    assert 'id="source-shares"' in body
