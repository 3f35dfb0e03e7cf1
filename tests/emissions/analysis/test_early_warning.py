"""Year-end warnings stored as alerts: raised once, updated, resolved, acknowledged, isolated."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from tanji.emissions import services
from tanji.emissions.analysis import early_warning
from tanji.emissions.models import Alert, EmissionTotal
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import AuditEntry
from tanji.timeseries.samples import ts_ms
from tests.emissions.analysis.factories import daily_history, demo_line
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
FIRST = ts_ms(datetime(2025, 8, 31, 16, tzinfo=UTC))
AT = datetime(2025, 11, 1, 4, tzinfo=UTC)


def _raise(enterprise_id: int, quota_t: float | None = None) -> list[early_warning.Judgement]:
    return early_warning.raise_forecast_alerts(
        Actor.system(), enterprise_id, at=AT, quota_t=quota_t
    )


def test_an_intensity_above_the_target_is_raised_once_and_resolved_when_it_clears() -> None:
    line = demo_line()
    daily_history(line, FIRST, 61, intensity=0.95)  # above the typical band's 0.87
    for _ in range(2):
        found = _raise(line.enterprise_id)
    assert [(j.kind, j.level) for j in found] == [("forecast_intensity", "exceed")]
    alert = Alert.objects.get()
    assert (alert.kind, alert.key) == (
        "forecast_intensity",
        f"forecast_intensity:{line.enterprise_id}:2025",
    )
    assert (alert.severity, alert.state, alert.line_id) == ("investigate", "open", None)
    assert alert.value == pytest.approx(0.95, abs=0.01)
    assert alert.detail["target"] == pytest.approx(0.87)
    EmissionTotal.objects.all().delete()
    daily_history(line, FIRST, 61, intensity=0.80)  # the same clinker, less CO2
    assert [j.level for j in _raise(line.enterprise_id)] == ["ok"]
    alert.refresh_from_db()
    assert (alert.state, alert.detail["resolution"]) == ("closed", "cleared")
    assert AuditEntry.objects.filter(action="resolve", object_id=str(alert.pk)).count() == 1
    _raise(line.enterprise_id)
    assert Alert.objects.count() == 1  # nothing reopened, nothing new


def test_the_quota_is_judged_only_when_given() -> None:
    line = demo_line()
    daily_history(line, FIRST, 61)
    found = _raise(line.enterprise_id, quota_t=1000.0)
    assert {j.kind: j.level for j in found}["forecast_quota"] == "exceed"
    quota = Alert.objects.get(kind="forecast_quota")
    assert quota.value == pytest.approx(found[-1].projection.mean)
    _raise(line.enterprise_id)  # no quota given: its alert is left as it is
    quota.refresh_from_db()
    assert quota.state == "open"
    _raise(line.enterprise_id, quota_t=1e9)
    quota.refresh_from_db()
    assert quota.state == "closed"


def test_acknowledged_warnings_stay_one_alert_and_others_cannot_see_them() -> None:
    line = demo_line()
    daily_history(line, FIRST, 61, intensity=0.95)
    _raise(line.enterprise_id)
    alert = Alert.objects.get()
    user = MembershipFactory(
        enterprise_id=line.enterprise_id, role=RoleChoices.ENTERPRISE_ADMIN
    ).user
    services.acknowledge_alert(Actor.for_user(user), alert.pk)
    assert AuditEntry.objects.filter(action="acknowledged", object_id=str(alert.pk)).exists()
    _raise(line.enterprise_id)
    alert.refresh_from_db()
    assert (Alert.objects.count(), alert.state) == (1, "acknowledged")
    own, stranger = Client(), Client()
    own.force_login(user)
    stranger.force_login(MembershipFactory(enterprise=EnterpriseFactory()).user)
    assert [a["id"] for a in own.get("/api/v1/emissions/alerts").json()] == [alert.pk]
    assert stranger.get("/api/v1/emissions/alerts").json() == []


def test_only_those_who_may_edit_raise_warnings() -> None:
    line = demo_line()
    viewer = MembershipFactory(enterprise_id=line.enterprise_id, role=RoleChoices.VIEWER).user
    with pytest.raises(AccessDenied):
        early_warning.raise_forecast_alerts(Actor.for_user(viewer), line.enterprise_id, at=AT)
