"""Ranking among the peers the actor sees: a regulator the province, an enterprise its lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tanji.accounting.fuel import CO2_PER_C
from tanji.analytics.benchmark import MJ_PER_KGCE
from tanji.emissions.analysis.benchmarks import benchmarking
from tanji.tenancy.actor import Actor
from tanji.tenancy.choices import RoleChoices
from tanji.timeseries.rollups import DAY_MS
from tanji.timeseries.samples import ts_ms
from tests.emissions.analysis.factories import SHARES, History, daily_history, demo_line
from tests.tenancy.factories import ProvinceFactory, member

pytestmark = pytest.mark.django_db
FIRST = ts_ms(datetime(2025, 8, 31, 16, tzinfo=UTC))
END = FIRST + 20 * DAY_MS


@pytest.fixture
def peers() -> tuple[History, History]:
    province = ProvinceFactory()
    lean = daily_history(demo_line(province), FIRST, 20, intensity=0.82)
    heavy = daily_history(demo_line(province), FIRST, 20, intensity=0.90, seed=2)
    return lean, heavy


def test_regulator_ranks_the_province_lowest_first(peers: tuple[History, History]) -> None:
    lean, heavy = peers
    regulator = Actor.for_user(member(RoleChoices.REGULATOR, lean.line.enterprise))
    result = benchmarking(regulator, FIRST, END)
    assert [(p.line_id, p.rank, p.percentile) for p in result.peers] == [
        (lean.line.pk, 1, 100.0),
        (heavy.line.pk, 2, 0.0),
    ]
    first = result.peers[0]
    assert first.clinker_t == pytest.approx(lean.clinker_t.sum())
    assert first.intensity_t_per_t == pytest.approx(lean.co2_t.sum() / lean.clinker_t.sum())
    # Fuel CO2 ÷ (0.02618 tC/GJ × 0.99 × 44/12) = fossil heat; ÷ 29.3076 MJ/kgce per tonne.
    heat_gj = lean.co2_t.sum() * SHARES["fuel"] / (0.02618 * 0.99 * CO2_PER_C)
    expected = heat_gj * 1000 / MJ_PER_KGCE / lean.clinker_t.sum()
    assert first.coal_kgce_per_t == pytest.approx(expected)
    assert {r.confidence for r in result.references} >= {"R", "I"}


def test_enterprise_user_ranks_only_its_own_lines(peers: tuple[History, History]) -> None:
    _, heavy = peers
    viewer = Actor.for_user(member(RoleChoices.VIEWER, heavy.line.enterprise))
    result = benchmarking(viewer, FIRST, END, level="enterprise")
    assert [(p.enterprise_id, p.line_id, p.rank) for p in result.peers] == [
        (heavy.line.enterprise_id, None, 1)
    ]
