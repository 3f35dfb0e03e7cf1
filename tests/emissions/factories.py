"""A demo line fed by the simulator: tags, lab analyses and samples in the store.

The simulator is line L1 of a 5000 t/d works; the first demo enterprise's line L1 is its twin.
Samples and lab results cross through :mod:`tanji.simulator.bridge`, the one bridge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import connection

from tanji.demo.builder import Counter
from tanji.demo.enterprises import ENTERPRISES, DemoEnterprise
from tanji.demo.metrology import build_metrology
from tanji.demo.plant import build_plant
from tanji.plant import lab, queries as plant_queries
from tanji.plant.models import ProductionLine
from tanji.simulator import Frame, Plant, Scenario, load_scenario
from tanji.simulator.bridge import platform_analyses, sample_rows
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.tenancy.models import Enterprise
from tanji.timeseries.samples import SampleBatch, ts_ms
from tanji.timeseries.store import store_for
from tests.shared_cache import until_unlocked
from tests.tenancy.factories import EnterpriseFactory, MembershipFactory

Listener = Callable[[int, list[int], int, int], object]


@dataclass
class SimulatedLine:
    """The demo line twinned with the simulator."""

    line: ProductionLine
    plant: Plant
    tag_ids: dict[str, int]

    @property
    def enterprise_id(self) -> int:
        return int(self.line.enterprise_id)


def demo_enterprise(spec: DemoEnterprise = ENTERPRISES[1], *, metrology: bool = True) -> Enterprise:
    """One demo enterprise's plant (sites, lines, sources, tags, instruments, lab), nothing else."""
    enterprise = EnterpriseFactory()
    staff = MembershipFactory(enterprise=enterprise, role=RoleChoices.METERING_STAFF).user
    MembershipFactory(enterprise=enterprise, role=RoleChoices.LAB_STAFF)  # enters the lab results
    build_plant(Actor.system(), Counter(), enterprise, spec, staff)
    if metrology:  # calibration plans and certificates; without them every instrument is overdue
        build_metrology(Actor.system(), Counter(), enterprise, staff)
    return enterprise


def simulated_line(
    scenario: Scenario | str = "normal-month", *, metrology: bool = True
) -> SimulatedLine:
    """A fresh demo enterprise whose line L1 is twinned with the simulated line."""
    enterprise = demo_enterprise(metrology=metrology)
    actor = Actor.system()
    line = plant_queries.lines(actor).get(enterprise=enterprise, code="L1")
    tags = plant_queries.tags(actor).filter(enterprise_id=enterprise.pk)
    chosen = load_scenario(scenario) if isinstance(scenario, str) else scenario
    return SimulatedLine(line, Plant(chosen), {t.code: t.pk for t in tags})


def record_lab(
    sim: SimulatedLine,
    start: datetime,
    end: datetime,
    actor: Actor | None = None,
    materials: frozenset[str] | None = None,
) -> int:
    """Record the simulator's lab analyses reported in ``[start - 3 days, end)`` (as ``actor``).

    ``materials`` limits them to those materials (all by default).
    """
    actor = actor or Actor.system()
    analyses = [
        a
        for a in platform_analyses(sim.plant.lab_results(start - timedelta(days=3), end))
        if materials is None or a.material in materials
    ]
    for a in analyses:
        lab.record_lab_analysis(
            actor,
            enterprise_id=sim.enterprise_id,
            line_id=sim.line.pk,
            sample_id=f"SIM-{a.sample_id}",
            material=a.material,
            sampled_at=a.sampled_at,
            analysed_at=a.analysed_at,
            method_standard=a.method,
            results=[lab.ResultInput(p, v, u, unc) for p, v, u, unc in a.results],
        )
    return len(analyses)


def feed(
    sim: SimulatedLine,
    start: datetime,
    end: datetime,
    *,
    chunk: timedelta | None = None,
    listener: Listener | None = None,
    drop: Callable[[int, int], bool] | None = None,
) -> int:
    """Write simulated samples of ``[start, end)`` to the store, calling ``listener`` per chunk.

    ``drop(tag_id, ts_ms)`` removes samples (a lost scale or analyser).
    """
    store = store_for(connection)
    written, at, step = 0, start, chunk or (end - start)
    while at < end:
        upto = min(at + step, end)
        frame = sim.plant.simulate(at, upto)
        rows = [
            r
            for r in sample_rows(frame, sim.tag_ids, sim.line.code, "S1")
            if drop is None or not drop(r[0], r[1])
        ]
        batch = SampleBatch.from_rows(rows)
        until_unlocked(partial(store.write, batch))  # a live worker thread may be writing
        if listener is not None:
            listener(sim.enterprise_id, sorted({r[0] for r in rows}), ts_ms(at), ts_ms(upto))
        written += len(rows)
        at = upto
    return written


#: Totalisers the heat balance reads (simulator code → demo suffix is the bridge's business).
HEAT_TOTALISERS = (
    "L1.COAL.KH.TOT",
    "L1.COAL.PC.TOT",
    "L1.CLK.OUT.TOT",
    "L1.MSW.TOT",
    "L1.CLOTH.TOT",
)


def feed_hourly_totalisers(sim: SimulatedLine, start: datetime, end: datetime) -> int:
    """Write the heat-balance totalisers' registers once an hour (each hour's last minute).

    Months of minute samples take minutes to write; the heat balance reads only hourly
    counter increases, which one reading per hour gives exactly. Coal analyses are recorded.
    """
    frame = sim.plant.simulate(start, end)
    last = slice(59, None, 60)
    hourly = Frame(
        frame.minutes[last],
        {tag: frame.values[tag][last] for tag in HEAT_TOTALISERS},
        {tag: frame.flags[tag][last] for tag in HEAT_TOTALISERS},
    )
    rows = list(sample_rows(hourly, sim.tag_ids, sim.line.code, "S1"))
    store_for(connection).write(SampleBatch.from_rows(rows))
    record_lab(sim, start, end, materials=frozenset({"coal"}))
    return len(rows)
