"""Summary, series, comparison and drill-down: right figures, right resolution, one tenant only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Sum

from tanji.emissions import queries, services
from tanji.emissions.models import EmissionFigure
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.validation import NotFound
from tanji.timeseries.samples import ts_ms
from tests.emissions.factories import SimulatedLine, feed, record_lab, simulated_line
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db
#: 2025-06-02 local midnight.
DAY = datetime(2025, 6, 1, 16, tzinfo=UTC)


@pytest.fixture
def sim() -> SimulatedLine:
    line = simulated_line()
    end = DAY + timedelta(hours=10)
    record_lab(line, DAY, end)
    feed(line, DAY, end)
    services.recompute(Actor.system(), line.line.pk, ts_ms(DAY), ts_ms(end))
    services.recompute_site(Actor.system(), line.line.site_id, ts_ms(DAY), ts_ms(end))
    return line


def _viewer(enterprise_id: int) -> Actor:
    membership = MembershipFactory(enterprise_id=enterprise_id, role=RoleChoices.VIEWER)
    return Actor.for_user(membership.user)


def test_summary_splits_today_by_boundary_category_and_method(sim: SimulatedLine) -> None:
    actor = _viewer(sim.enterprise_id)
    result = queries.summary(actor, sim.enterprise_id, at=DAY + timedelta(hours=9))
    today = {p.period: p for p in result.periods}["today"]
    counted = EmissionFigure.objects.filter(enterprise_id=sim.enterprise_id, counted=True)
    clinker = today.boundaries["clinker"]
    expected = counted.filter(in_clinker=True).aggregate(s=Sum("co2_t"))["s"]
    assert clinker.co2_t == pytest.approx(expected)
    assert set(clinker.by_method) == {"cems", "accounting"}  # stack by CEMS, electricity accounted
    assert "kiln_stack" in clinker.by_category
    assert "electricity" in clinker.by_category
    assert "electricity" in today.boundaries["enterprise"].by_category  # net purchase
    assert 0 < clinker.u_t < 0.1 * clinker.co2_t
    assert today.clinker_t == pytest.approx(10 * 208, rel=0.05)
    assert 0.75 < clinker.intensity_t_per_t_clinker < 0.95  # type: ignore[operator]
    assert today.factor_versions == ["2026.1"]
    ytd = {p.period: p for p in result.periods}["ytd"]
    assert ytd.boundaries["clinker"].co2_t == pytest.approx(clinker.co2_t)


def test_series_picks_the_resolution_from_the_range(sim: SimulatedLine) -> None:
    actor = _viewer(sim.enterprise_id)
    scope = queries.Scope(sim.enterprise_id, sim.line.pk)
    start = ts_ms(DAY)
    minutes = queries.series(actor, scope, start, start + 3 * 3_600_000)
    assert minutes.resolution == "minute"
    assert 160 <= len(minutes.ts) <= 180  # calibration minutes carry no valid reading
    hours = queries.series(actor, scope, start, start + 2 * 86_400_000)
    assert hours.resolution == "hour"
    assert len(hours.ts) == 10
    per_minute = sum(minutes.co2_t) / len(minutes.ts)  # whole stack, biogenic included
    assert per_minute * 180 == pytest.approx(sum(hours.co2_t[:3]), rel=0.03)
    days = queries.series(actor, scope, start - 30 * 86_400_000, start + 30 * 86_400_000)
    assert days.resolution == "day"
    assert days.co2_t == pytest.approx([sum(hours.co2_t)])
    years = queries.series(actor, scope, start - 3650 * 86_400_000, start + 86_400_000)
    assert years.resolution == "month"
    assert years.co2_t == pytest.approx([sum(hours.co2_t)])


def test_series_of_every_method_adds_the_uncounted_accounting_figures(sim: SimulatedLine) -> None:
    actor = _viewer(sim.enterprise_id)
    window = (ts_ms(DAY), ts_ms(DAY) + 86_400_000)
    counted = queries.Scope(sim.enterprise_id, sim.line.pk, category="fuel")
    assert queries.series(actor, counted, *window, "hour").ts == []  # the stack counts, by CEMS
    every = queries.Scope(sim.enterprise_id, sim.line.pk, category="fuel", counted_only=False)
    fuel = queries.series(actor, every, *window, "hour")
    rows = EmissionFigure.objects.filter(line_id=sim.line.pk, category="fuel", in_clinker=True)
    assert len(fuel.ts) == 10
    assert sum(fuel.co2_t) == pytest.approx(rows.aggregate(s=Sum("co2_t"))["s"])


def test_comparison_and_drill_down_reach_the_raw_samples(sim: SimulatedLine) -> None:
    actor = _viewer(sim.enterprise_id)
    window = (ts_ms(DAY), ts_ms(DAY + timedelta(hours=10)))
    comparison = queries.comparison(actor, sim.line.pk, *window)
    assert len(comparison.hours) == 10
    assert all(v is not None for v in comparison.by_method["cems"])
    assert comparison.days
    assert comparison.days[0][2] in {"ok", "warn", "investigate"}
    shares = queries.drill_sources(actor, sim.enterprise_id, "clinker", *window)
    assert shares[0].key == f"k{sim.line.pk}"
    assert shares[0].methods == ["cems"]
    electricity = next(s for s in shares if s.category == "electricity")
    tags = queries.drill_tags(actor, electricity.source_id, *window)  # type: ignore[arg-type]
    assert {t.code.split("-", 1)[1] for t in tags if t.valid_samples} >= {"EL-KILN", "EL-AUX"}
    kiln = next(t for t in tags if t.code.endswith("EL-KILN"))
    samples = queries.drill_samples(actor, kiln.tag_id, window[0], window[0] + 3_600_000)
    assert len(samples) == 60
    assert samples[0].flag == "N"
    assert samples[0].evidence_id is None
    assert queries.drill_down(actor, sim.enterprise_id, *window) == shares
    source = electricity.source_id
    assert queries.drill_down(actor, sim.enterprise_id, *window, source_id=source) == tags
    hour = (window[0], window[0] + 3_600_000)
    assert queries.drill_down(actor, sim.enterprise_id, *hour, tag_id=kiln.tag_id) == samples


def test_every_query_refuses_another_tenants_data(sim: SimulatedLine) -> None:
    stranger = _viewer(EnterpriseFactory().pk)
    window = (ts_ms(DAY), ts_ms(DAY + timedelta(hours=10)))
    calls = [
        lambda: queries.summary(stranger, sim.enterprise_id),
        lambda: queries.summary(stranger, stranger_enterprise(stranger), sim.line.pk),
        lambda: queries.series(stranger, queries.Scope(sim.enterprise_id), *window),
        lambda: queries.comparison(stranger, sim.line.pk, *window),
        lambda: queries.drill_sources(stranger, sim.enterprise_id, "clinker", *window),
        lambda: queries.drill_tags(stranger, sim.line.sources.first().pk, *window),
        lambda: queries.drill_samples(stranger, next(iter(sim.tag_ids.values())), *window),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert not queries.figures(stranger).exists()
    assert not queries.totals(stranger).exists()
    assert not queries.alerts(stranger).exists()


def stranger_enterprise(actor: Actor) -> int:
    """The enterprise of a one-membership actor."""
    return int(actor.grants[0].enterprise_id)  # type: ignore[arg-type]
