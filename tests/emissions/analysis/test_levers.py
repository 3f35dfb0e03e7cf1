"""Reduction levers of a line from its stored year: the baseline read back, the levers ranked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tanji.emissions.analysis.levers import diagnosis
from tanji.tenancy.actor import Actor
from tanji.timeseries.samples import ts_ms
from tests.emissions.analysis.factories import SHARES, daily_history, demo_line

pytestmark = pytest.mark.django_db
FIRST = ts_ms(datetime(2025, 8, 31, 16, tzinfo=UTC))
AT = datetime(2025, 9, 30, 4, tzinfo=UTC)


def test_diagnosis_scales_the_stored_days_to_a_year() -> None:
    history = daily_history(demo_line(), FIRST, 29)
    result = diagnosis(Actor.system(), history.line.pk, at=AT)
    assert result.data_days == 29
    scale = 365.0 / 29
    assert result.baseline_co2_t_per_year == pytest.approx(history.co2_t.sum() * scale)
    keys = [lever.key for lever in result.levers]
    assert sorted(keys) == ["biomass", "green_electricity", "heat", "non_carbonate_cao"]
    assert [lever.saving_t_per_year for lever in result.levers] == sorted(
        (lever.saving_t_per_year for lever in result.levers), reverse=True
    )
    green = next(lever for lever in result.levers if lever.key == "green_electricity")
    # 20 % of the electricity CO2 (GB/T 32151.8: E = AD × EF, AD read back through EF)
    assert green.saving_t_per_year == pytest.approx(
        0.2 * SHARES["electricity"] * history.co2_t.sum() * scale
    )
    cao = next(lever for lever in result.levers if lever.key == "non_carbonate_cao")
    assert cao.saving_t_per_year == pytest.approx(history.clinker_t.sum() * scale * 0.01 * 44 / 56)
    assert cao.u_t_per_year > 0
    assert result.after_co2_t_per_year == pytest.approx(
        result.baseline_co2_t_per_year - sum(lever.saving_t_per_year for lever in result.levers)
    )
    assert result.heat_gj_per_t > 3.0
