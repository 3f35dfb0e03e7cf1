"""The meter scan over the store: a stuck analyser and a dropped feed become alerts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tanji.emissions import queries
from tanji.emissions.analysis import meters
from tanji.emissions.models import Alert
from tanji.plant.models import Tag
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import AuditEntry
from tanji.tenancy.validation import NotFound
from tanji.timeseries.samples import ts_ms
from tests.emissions.factories import SimulatedLine, feed, simulated_line
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
#: Six hours around the eventful week's stuck O2 reading (09:00–12:00 local on 13 June).
START, END = datetime(2025, 6, 13, 0, tzinfo=UTC), datetime(2025, 6, 13, 6, tzinfo=UTC)
STUCK = (ts_ms(datetime(2025, 6, 13, 1, tzinfo=UTC)), ts_ms(datetime(2025, 6, 13, 4, tzinfo=UTC)))
DROPPED = (
    ts_ms(datetime(2025, 6, 13, 5, tzinfo=UTC)),
    ts_ms(datetime(2025, 6, 13, 5, 30, tzinfo=UTC)),
)


@pytest.fixture
def sim() -> SimulatedLine:
    line = simulated_line("eventful-week", metrology=False)
    coal = line.tag_ids["L1-COAL-KH-RATE"]
    feed(line, START, END, drop=lambda tag, ts: tag == coal and DROPPED[0] <= ts < DROPPED[1])
    return line


def test_profiles_follow_the_tag_declarations() -> None:
    sim = simulated_line(metrology=False)
    kinds = {
        code: meters.profile_of(Tag.objects.get(pk=pk)).kind for code, pk in sim.tag_ids.items()
    }
    assert kinds["L1-CLINKER-RATE"] == "rate"
    assert kinds["L1-CEMS-O2"] == "analyser"
    assert kinds["L1-CLINKER-TOT"] == "counter"
    assert kinds["L1-DIESEL-IGN-RATE"] == "steady"


def test_scan_finds_the_stuck_analyser_and_the_dropped_feed(sim: SimulatedLine) -> None:
    found = meters.scan_line(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(END))
    assert [(f.tag_code, f.kind, f.start_ms, f.end_ms) for f in found] == [
        ("L1-CEMS-O2", "stuck", *STUCK),
        ("L1-COAL-KH-RATE", "gap", *DROPPED),
    ]


def test_findings_become_alerts_once(sim: SimulatedLine) -> None:
    for _ in range(2):  # a second scan widens the same alerts
        meters.scan_and_alert(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(END))
    alerts = {a.kind: a for a in queries.alerts(Actor.system())}
    assert set(alerts) == {"meter_stuck", "missing_data"}
    stuck = alerts["meter_stuck"]
    assert stuck.tag_id == sim.tag_ids["L1-CEMS-O2"]
    assert (stuck.first_hour, stuck.last_hour) == (STUCK[0], STUCK[1] - 3_600_000)
    assert stuck.detail["source"] == "analytics"
    assert alerts["missing_data"].key == f"missing:{sim.tag_ids['L1-COAL-KH-RATE']}"
    assert Alert.objects.count() == 2


def test_viewers_may_read_but_not_raise(sim: SimulatedLine) -> None:
    viewer = MembershipFactory(enterprise_id=sim.enterprise_id, role=RoleChoices.VIEWER).user
    actor = Actor.for_user(viewer)
    assert meters.scan_line(actor, sim.line.pk, ts_ms(START), ts_ms(END))
    with pytest.raises(AccessDenied):
        meters.scan_and_alert(actor, sim.line.pk, ts_ms(START), ts_ms(END))
    stranger = MembershipFactory(enterprise=EnterpriseFactory(), role=RoleChoices.VIEWER).user
    with pytest.raises(NotFound):
        meters.scan_line(Actor.for_user(stranger), sim.line.pk, ts_ms(START), ts_ms(END))


def test_alerts_of_conditions_that_cleared_are_resolved(sim: SimulatedLine) -> None:
    later = datetime(2025, 6, 13, 9, tzinfo=UTC)
    feed(sim, END, later)
    engine = Alert.objects.create(
        enterprise_id=sim.enterprise_id, line=sim.line, kind="missing_data", severity="warn",
        key="missing:0", first_hour=ts_ms(START), last_hour=ts_ms(START),
    )  # fmt: skip
    meters.scan_and_alert(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(END))
    meters.scan_and_alert(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(START) + 3_600_000)
    assert Alert.objects.filter(state="open").count() == 3  # an old window spares newer alerts
    meters.scan_and_alert(Actor.system(), sim.line.pk, ts_ms(END), ts_ms(later))
    states = dict(Alert.objects.values_list("kind", "state").exclude(pk=engine.pk))
    assert states == {"meter_stuck": "closed", "missing_data": "closed"}
    engine.refresh_from_db()
    assert engine.state == "open"  # the engine's alert is the engine's to judge
    resolved = AuditEntry.objects.filter(action="resolve", username="system")
    assert resolved.count() == 2
