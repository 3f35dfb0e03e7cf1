"""Figures computed from unsigned samples carry a trust badge on the overview (zh, then en)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tanji.emissions import queries, services
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.samples import ts_ms
from tests.emissions.factories import SimulatedLine, feed, simulated_line
from tests.emissions.test_trust import _delivered_unsigned
from tests.tenancy.factories import MembershipFactory
from tests.web.conftest import signed_in
from tests.web.pages.test_live_overview import AT, START

pytestmark = pytest.mark.django_db


@pytest.fixture
def sim() -> SimulatedLine:
    line = simulated_line()
    end = START + timedelta(hours=3)
    feed(line, START, end)
    _delivered_unsigned(line, "L1-CEMS-CO2", 1, START)  # as an HJ 212 logger delivered it
    services.recompute(Actor.system(), line.line.pk, ts_ms(START), ts_ms(end))
    return line


def test_unsigned_figures_show_the_lower_trust_level(
    client: Client, sim: SimulatedLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tanji.web.pages.overview import live

    viewer = MembershipFactory(enterprise_id=sim.enterprise_id, role=RoleChoices.VIEWER).user
    today = queries.summary(Actor.for_user(viewer), sim.enterprise_id, at=AT).periods[0]
    assert today.boundaries["clinker"].trust_level == "unsigned_source"
    original = live.live_rows
    monkeypatch.setattr(live, "live_rows", lambda actor, at=None: original(actor, AT))
    signed_in(client, viewer)
    body = client.get(reverse("pages:overview")).content.decode()
    assert 'data-trust="unsigned_source"' in body
    assert "数据来源未签名" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(reverse("pages:overview")).content.decode()
    assert ">Unsigned source</span>" in body


def test_the_api_summary_names_the_trust_level(client: Client, sim: SimulatedLine) -> None:
    viewer = MembershipFactory(enterprise_id=sim.enterprise_id, role=RoleChoices.VIEWER).user
    signed_in(client, viewer)
    answer = client.get(
        "/api/v1/emissions/summary", {"enterprise_id": sim.enterprise_id, "at": AT.isoformat()}
    )
    assert answer.status_code == 200, answer.content
    today = answer.json()["periods"][0]["boundaries"]
    assert today["clinker"]["trust_level"] == "unsigned_source"
    assert today["clinker"]["quality"] == "unsigned_source"
