"""The heat-balance check over stored data: a drifting calciner scale raises one alert, resolved."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tanji.emissions.analysis import heat
from tanji.emissions.models import Alert
from tanji.simulator.scenarios import parse_scenario
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import AuditEntry
from tests.emissions.factories import SimulatedLine, feed_hourly_totalisers, simulated_line
from tests.tenancy.factories import MembershipFactory

pytestmark = pytest.mark.django_db
DAYS = 70


def drifting_calciner_line() -> SimulatedLine:
    """Seventy simulated days; the calciner scale drifts +0.5 %/day on days 20–36."""
    return _line(drift=True)


def _line(drift: bool) -> SimulatedLine:
    events = [
        {"kind": "drift", "at": "2025-01-21T00:00:00+08:00", "hours": 16 * 24,
         "rate_per_day": 0.005, "tags": ["L1.COAL.PC"]}
    ]  # fmt: skip
    scenario = parse_scenario(
        {"start": "2025-01-01T00:00:00+08:00", "days": DAYS, "seed": 1,
         "events": events if drift else []},
        "heat",
    )  # fmt: skip
    sim = simulated_line(scenario, metrology=False)
    feed_hourly_totalisers(sim, scenario.start, scenario.end)
    return sim


def _day(sim: SimulatedLine, day: int) -> datetime:
    return sim.plant.scenario.start + timedelta(days=day, hours=1)


def test_days_read_the_coal_the_batch_ncv_and_the_clinker() -> None:
    sim = _line(drift=False)
    start = sim.plant.scenario.start
    balance = heat.heat_days(Actor.system(), sim.line.pk, *_window(start, 10))
    assert balance.running().all()  # day one lacks its first hour's increase: still running
    q = 1000 * ((balance.kiln_head_t + balance.calciner_t) * balance.ncv_gj_per_t
                + balance.other_heat_gj) / balance.clinker_t  # fmt: skip
    assert q == pytest.approx(3150, rel=0.04)  # the simulated kiln: 3.15 GJ/t clinker
    assert balance.ncv_gj_per_t == pytest.approx(22.5, rel=0.05)


def _window(start: datetime, days: int) -> tuple[int, int]:
    first = int(start.timestamp() * 1000)
    return first, first + days * 86_400_000


def test_the_drifting_calciner_scale_is_raised_once_and_resolved_after_recalibration() -> None:
    sim = drifting_calciner_line()
    for _ in range(2):
        found = heat.check_and_alert(Actor.system(), sim.line.pk, at=_day(sim, 36))
    assert found[-1].holding
    alert = Alert.objects.get()
    assert (alert.kind, alert.key, alert.state) == (
        "heat_balance_drift",
        f"heat:{sim.line.pk}",
        "open",
    )
    assert alert.tag_id == sim.tag_ids["L1-COAL-CA-RATE"]
    assert alert.detail["scale"] == "calciner"
    assert alert.value > 0.001  # heat per clinker rising faster than 0.1 %/day
    heat.check_and_alert(Actor.system(), sim.line.pk, at=_day(sim, DAYS))
    alert.refresh_from_db()
    assert (alert.state, alert.detail["resolution"]) == ("closed", "cleared")
    assert AuditEntry.objects.filter(action="resolve", object_id=str(alert.pk)).exists()


def test_a_clean_line_raises_nothing_and_viewers_may_not_check() -> None:
    sim = _line(drift=False)
    assert heat.check_and_alert(Actor.system(), sim.line.pk, at=_day(sim, DAYS)) == []
    assert not Alert.objects.exists()
    viewer = MembershipFactory(enterprise_id=sim.enterprise_id, role=RoleChoices.VIEWER).user
    with pytest.raises(AccessDenied):
        heat.check_and_alert(Actor.for_user(viewer), sim.line.pk, at=_day(sim, DAYS))
