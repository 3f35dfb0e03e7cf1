"""``/api/v1/emissions``: scoped to the signed-in user's enterprises, errors as coded JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from tanji.emissions import services
from tanji.emissions.models import Alert, EmissionFigure
from tanji.ingest import backlog
from tanji.ingest.listeners import CommittedData
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.samples import ts_ms
from tests.emissions.factories import feed, simulated_line
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
DAY = datetime(2025, 6, 1, 16, tzinfo=UTC)


def _client(enterprise_id: int, role: str = RoleChoices.VIEWER) -> Client:
    client = Client()
    client.force_login(MembershipFactory(enterprise_id=enterprise_id, role=role).user)
    return client


def test_the_api_serves_a_users_enterprise_and_hides_others() -> None:
    sim = simulated_line()
    end = DAY + timedelta(hours=4)
    flow = sim.tag_ids["L1-CEMS-FLOW"]
    feed(sim, DAY, end, drop=lambda tag, ts: tag == flow and ts >= ts_ms(DAY) + 3_600_000)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(DAY), ts_ms(end))
    client = _client(sim.enterprise_id)
    window = {"start": DAY.isoformat(), "end": end.isoformat()}
    summary = client.get(
        "/api/v1/emissions/summary",
        {"enterprise_id": sim.enterprise_id, "at": (DAY + timedelta(hours=3)).isoformat()},
    )
    assert summary.status_code == 200
    today = summary.json()["periods"][0]
    assert today["period"] == "today"
    assert today["boundaries"]["clinker"]["co2_t"] > 0
    series = client.get("/api/v1/emissions/series", {"enterprise_id": sim.enterprise_id, **window})
    assert series.json()["resolution"] == "hour"  # minutes exist per line; an enterprise: hours
    compared = client.get("/api/v1/emissions/comparison", {"line_id": sim.line.pk, **window})
    assert len(compared.json()["hours"]) == 4
    alerts = client.get("/api/v1/emissions/alerts", {"state": "open"}).json()
    assert flow in {a["tag_id"] for a in alerts}  # (and the demo tags the simulator lacks)
    assert {a["kind"] for a in alerts} == {"missing_data"}
    bad = client.get(
        "/api/v1/emissions/series",
        {"enterprise_id": sim.enterprise_id, "start": window["end"], "end": window["start"]},
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "api.bad_window")
    stranger = _client(EnterpriseFactory().pk)
    hidden = stranger.get("/api/v1/emissions/summary", {"enterprise_id": sim.enterprise_id})
    assert hidden.status_code == 404
    assert stranger.get("/api/v1/emissions/alerts").json() == []


def test_acknowledging_needs_a_signed_in_user_who_may_edit() -> None:
    sim = simulated_line()
    end = DAY + timedelta(hours=3)
    flow = sim.tag_ids["L1-CEMS-FLOW"]
    feed(sim, DAY, end, drop=lambda tag, ts: tag == flow and ts >= ts_ms(DAY) + 3_600_000)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(DAY), ts_ms(end))
    alert = Alert.objects.get(tag_id=flow)
    url = f"/api/v1/emissions/alerts/{alert.pk}/acknowledge"
    assert Client().post(url).status_code == 401
    assert _client(sim.enterprise_id).post(url).status_code == 404  # a viewer may not edit
    admin = _client(sim.enterprise_id, RoleChoices.ENTERPRISE_ADMIN)
    response = admin.post(url)
    assert response.status_code == 200
    assert response.json()["state"] == "acknowledged"


def test_hourly_figures_list_every_source_and_method_of_visible_enterprises() -> None:
    sim = simulated_line()
    end = DAY + timedelta(hours=2)
    feed(sim, DAY, end)
    services.recompute(Actor.system(), sim.line.pk, ts_ms(DAY), ts_ms(end))
    client = _client(sim.enterprise_id)
    query = {"enterprise_id": sim.enterprise_id, "start": DAY.isoformat(), "end": end.isoformat()}
    rows = client.get("/api/v1/emissions/figures", {**query, "line_id": sim.line.pk}).json()
    stored = EmissionFigure.objects.filter(enterprise_id=sim.enterprise_id)
    assert len(rows) == stored.count() > 0
    assert {(r["key"], r["hour"], r["method"]) for r in rows} == set(
        stored.values_list("key", "hour", "method")
    )
    assert {"cems", "accounting"} <= {r["method"] for r in rows if r["key"] == f"k{sim.line.pk}"}
    too_long = {**query, "end": (DAY + timedelta(days=15)).isoformat()}
    answer = client.get("/api/v1/emissions/figures", too_long)
    assert (answer.status_code, answer.json()["code"]) == (400, "emissions.range_too_long")
    assert answer.json()["params"] == {"days": 14, "asked_h": 360}
    stranger = _client(EnterpriseFactory().pk)
    assert stranger.get("/api/v1/emissions/figures", query).status_code == 404


def test_live_status_reports_the_enterprises_backlog_of_every_process() -> None:
    enterprise = EnterpriseFactory().pk
    client = _client(enterprise)
    answer = client.get("/api/v1/emissions/live", {"enterprise_id": enterprise, "wait": 0.1})
    assert answer.status_code == 200
    idle = {"worker": False, "pending": 0, "busy": False, "delivered": 0, "failing": 0}
    idle |= {"backlog": 0}
    assert answer.json() == idle
    start = DAY
    backlog.record([CommittedData(enterprise, frozenset({1}), start, start, envelope_id=3)])
    waiting = client.get("/api/v1/emissions/live", {"enterprise_id": enterprise, "wait": 0.1})
    assert waiting.json() == idle | {"backlog": 1}  # another process's, still undelivered
    other = EnterpriseFactory().pk
    assert client.get("/api/v1/emissions/live", {"enterprise_id": other}).status_code == 404
    assert Client().get("/api/v1/emissions/live", {"enterprise_id": enterprise}).status_code == 401
