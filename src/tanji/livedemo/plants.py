"""One simulated plant per demo line: the simulator's line L1 re-parameterised and re-seeded.

Each demo line gets its own seed (from its enterprise and line code, so runs agree) and its
capacity (clinker rate, refuse feeds and purge air scaled from the 5000 t/d reference line), and
all of them start at the demo's origin; a later start re-anchors each line at its last stored
minute with the registers read back from the store (ADR 0130).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from tanji.demo.enterprises import ENTERPRISES, DemoEnterprise, DemoLine
from tanji.simulator import LineParameters, Plant, load_scenario
from tanji.simulator.scenarios import shifted

REFERENCE_T_PER_D = 5000.0
SCENARIO = "normal-month"


@dataclass(frozen=True)
class LinePlant:
    """A demo line and the simulator driving it."""

    enterprise: DemoEnterprise
    line: DemoLine
    plant: Plant
    feeds_site: bool

    @property
    def label(self) -> str:
        """``chujiang/L1`` — used in progress lines."""
        return f"{self.enterprise.slug}/{self.line.code}"


def line_seed(enterprise: DemoEnterprise, line: DemoLine) -> int:
    """A stable 32-bit seed per demo line (SHA-256 of ``slug/code``)."""
    digest = hashlib.sha256(f"{enterprise.slug}/{line.code}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def line_parameters(line: DemoLine) -> LineParameters:
    """The reference line scaled to the demo line's capacity (rates and flue-gas volume)."""
    scale = line.capacity_t_per_d / REFERENCE_T_PER_D
    base = LineParameters()
    return replace(
        base,
        clinker_t_per_h=base.clinker_t_per_h * scale,
        msw_t_per_h=base.msw_t_per_h * scale,
        cloth_strips_t_per_h=base.cloth_strips_t_per_h * scale,
        purge_air_kmol_per_h=base.purge_air_kmol_per_h * scale,
        auxiliaries_kw=base.auxiliaries_kw * scale,
        cement_t_per_h=base.cement_t_per_h * scale,
    )


def anchored(item: LinePlant, start: datetime, counters: dict[str, float]) -> LinePlant:
    """The same line re-anchored at ``start`` with its totaliser registers at ``counters``.

    A second start continues from what is stored instead of integrating every totaliser from
    the origin again (a year of minutes per line): the randomness is addressed by epoch minute,
    so only the registers (read back from the store) carry history.
    """
    scenario = replace(shifted(item.plant.scenario, start), counters=counters)
    return replace(item, plant=Plant(scenario, item.plant.params))


def demo_plants(origin: datetime) -> list[LinePlant]:
    """A simulated plant for every demo line, all starting at ``origin``."""
    template = load_scenario(SCENARIO)
    plants = []
    for enterprise in ENTERPRISES:
        for index, line in enumerate(enterprise.lines):
            scenario = replace(shifted(template, origin), seed=line_seed(enterprise, line))
            plant = Plant(scenario, line_parameters(line))
            plants.append(LinePlant(enterprise, line, plant, feeds_site=index == 0))
    return plants
