"""The kiln stack's CEMS tags: the line's HJ 212 data logger, in App. B units, when it has one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from tanji.accounting.cems import co2_mg_per_m3
from tanji.emissions import queries, services
from tanji.emissions.models import EmissionFigure
from tanji.emissions.plan import line_plan
from tanji.plant import queries as plant_queries
from tanji.plant.models import Tag
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import SampleBatch, ts_ms
from tanji.timeseries.store import store_for
from tests.emissions.factories import SimulatedLine, feed, simulated_line
from tests.plant.factories import TagFactory

pytestmark = pytest.mark.django_db
START = datetime(2025, 6, 2, tzinfo=UTC)
END = START + timedelta(hours=3)
#: (platform tag, logger tag, its App. B unit, factor from the platform tag's unit to it)
LOGGER = (
    ("L1-CEMS-CO2", "a05001-Avg", "mg/m3", float(co2_mg_per_m3(1.0))),  # %vol → mg/m³
    ("L1-CEMS-FLOW", "a00000-Avg", "m3/s", 1.0 / 3600.0),  # Nm³/h → m³/s
)


def _logger(sim: SimulatedLine, *, on_line: bool = True, end: datetime = END) -> list[Tag]:
    """The HJ 212 logger's CO2 and flow tags with the platform CEMS samples in App. B units."""
    source = plant_queries.sources(Actor.system(), line_id=sim.line.pk).first()
    store = store_for(connection)
    tags = []
    for platform, code, unit, factor in LOGGER:
        tag = TagFactory(
            source=source,
            line=sim.line if on_line else None,
            code=code,
            unit=unit,
            range_max=1e7,
            quantity_kind="concentration",
        )
        old = store.read_samples(sim.tag_ids[platform], ts_ms(START), ts_ms(end))
        rows = zip(old.ts.tolist(), (old.value * factor).tolist(), old.flag.tolist(), strict=True)
        store.write(SampleBatch.from_rows((tag.pk, t, v, f) for t, v, f in rows))
        tags.append(tag)
    return tags


def _cems(sim: SimulatedLine) -> list[tuple[int, float, str]]:
    services.recompute(Actor.system(), sim.line.pk, ts_ms(START), ts_ms(END))
    rows = EmissionFigure.objects.filter(line=sim.line, method="cems").order_by("hour")
    return list(rows.values_list("hour", "co2_t", "quality"))


def test_the_lines_logger_is_its_cems_and_gives_the_platform_tags_figures() -> None:
    sim = simulated_line()
    feed(sim, START, END)
    platform = _cems(sim)
    co2, flow = _logger(sim)
    plan = line_plan(Actor.system(), sim.line, START.date())
    assert plan.cems == {"co2_pct": co2.pk, "flow_nm3_per_h": flow.pk}
    logger = _cems(sim)
    assert len(logger) == len(platform) == 3
    for (hour, mass, quality), (hour_p, mass_p, quality_p) in zip(logger, platform, strict=True):
        assert (hour, quality) == (hour_p, quality_p)
        assert mass == pytest.approx(mass_p, rel=1e-12)  # only the unit factors round


def test_a_logger_not_on_the_line_leaves_the_platform_tags() -> None:
    sim = simulated_line()
    feed(sim, START, START + timedelta(hours=1))
    _logger(sim, on_line=False)
    plan = line_plan(Actor.system(), sim.line, START.date())
    assert plan.cems == {
        "co2_pct": sim.tag_ids["L1-CEMS-CO2"],
        "flow_nm3_per_h": sim.tag_ids["L1-CEMS-FLOW"],
    }
    assert plan.cems_scale == {}


def test_the_minute_chart_reads_the_cems_of_record() -> None:
    sim = simulated_line()
    feed(sim, START, END)
    scope = queries.Scope(sim.enterprise_id, sim.line.pk)
    window = (ts_ms(START), ts_ms(END))
    platform = queries.series(Actor.system(), scope, *window, "minute")
    assert len(platform.ts) > 120
    _logger(sim, end=START + timedelta(hours=1))  # the logger has sent its first hour only
    logger = queries.series(Actor.system(), scope, *window, "minute")
    first = [n for n, ts in enumerate(platform.ts) if ts < ts_ms(START + timedelta(hours=1))]
    assert logger.ts == [platform.ts[n] for n in first]
    assert logger.co2_t == pytest.approx([platform.co2_t[n] for n in first], rel=1e-12)
    assert logger.u_t == pytest.approx([platform.u_t[n] for n in first], rel=1e-12)
