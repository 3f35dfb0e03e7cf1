"""``/api/v1/analytics``: scoped to the user's enterprises, coded errors, role checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.samples import ts_ms
from tests.emissions.analysis.factories import History, daily_history, demo_line
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
FIRST = ts_ms(datetime(2025, 8, 31, 16, tzinfo=UTC))
AT = "2025-10-01T04:00:00+00:00"


def _client(enterprise_id: int, role: str = RoleChoices.VIEWER) -> Client:
    client = Client()
    client.force_login(MembershipFactory(enterprise_id=enterprise_id, role=role).user)
    return client


@pytest.fixture
def history() -> History:
    return daily_history(demo_line(), FIRST, 30)


def test_outlook_ranking_and_levers_answer_for_the_own_enterprise(history: History) -> None:
    line = history.line
    client = _client(line.enterprise_id)
    year = client.get(
        "/api/v1/analytics/outlook",
        {"enterprise_id": line.enterprise_id, "at": AT, "intensity_target": 0.8},
    )
    assert year.status_code == 200
    body = year.json()
    assert body["intensity"]["level"] == "exceed"
    assert len(body["forecast_days"]) == len(body["forecast_upper_t"]) == 92
    assert body["intensity_reference"]["confidence"] == "I"
    ranking = client.get(
        "/api/v1/analytics/ranking",
        {"start": "2025-09-01T00:00:00+08:00", "end": "2025-10-01T00:00:00+08:00"},
    )
    assert [p["line_id"] for p in ranking.json()["peers"]] == [line.pk]
    levers = client.get("/api/v1/analytics/levers", {"line_id": line.pk, "at": AT})
    assert {lever["key"] for lever in levers.json()["levers"]} == {
        "heat", "biomass", "non_carbonate_cao", "green_electricity",
    }  # fmt: skip


def test_other_enterprises_are_not_found_and_bad_input_is_coded(history: History) -> None:
    line = history.line
    stranger = _client(EnterpriseFactory().pk)
    answer = stranger.get("/api/v1/analytics/outlook", {"enterprise_id": line.enterprise_id})
    assert answer.status_code == 404
    answer = stranger.get("/api/v1/analytics/levers", {"line_id": line.pk})
    assert answer.status_code == 404
    bad = _client(line.enterprise_id).get("/api/v1/analytics/ranking", {"level": "site"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "api.bad_level"


def test_scan_needs_the_tag_editing_role(history: History) -> None:
    line = history.line
    window = f"?line_id={line.pk}&start=2025-09-01T00:00:00%2B08:00&end=2025-09-03T00:00:00%2B08:00"
    viewer = _client(line.enterprise_id)
    assert viewer.get("/api/v1/analytics/anomalies" + window).status_code == 200
    assert viewer.post("/api/v1/analytics/anomalies/scan" + window).status_code == 403
    staff = _client(line.enterprise_id, RoleChoices.METERING_STAFF)
    found = staff.post("/api/v1/analytics/anomalies/scan" + window)
    assert found.status_code == 200
    # one clinker counter reading a day: the logger is silent between them
    assert {f["kind"] for f in found.json()} == {"gap"}
