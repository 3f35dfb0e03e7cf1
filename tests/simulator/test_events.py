"""The eventful week: every scheduled event appears when scheduled, with the right flags."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from tanji.protocols.readings import QualityFlag
from tanji.simulator.events import FLAG_CODE, epoch_minute
from tanji.simulator.tags import CEMS_TAGS, TAG_MAP

from .conftest import Run


def _at(run: Run, text: str) -> int:
    return epoch_minute(datetime.fromisoformat(text)) - run.plant.origin


def _flag(flag: QualityFlag) -> int:
    return FLAG_CODE[flag]


def test_kiln_stop_stops_feed_and_flags_the_cems_stopped(week: Run) -> None:
    start, end = _at(week, "2025-06-10T10:00+08:00"), _at(week, "2025-06-11T16:00+08:00")
    values, flags = week.frame.values, week.frame.flags
    assert values["L1.CLK.OUT"][start:end].max() == 0.0
    assert values["L1.COAL.PC"][start:end].max() == 0.0
    stopped, calibration = _flag(QualityFlag.STOPPED), _flag(QualityFlag.CALIBRATION)
    for tag in CEMS_TAGS:  # the daily zero/span check runs even while the kiln is down
        assert np.isin(flags[tag][start:end], [stopped, calibration]).all()
        assert (flags[tag][start:end] == stopped).sum() >= end - start - 10
    assert (flags["L1.CEMS.CO2"][end:] != _flag(QualityFlag.STOPPED)).all()
    assert values["L1.CEMS.O2"][start + 60 : end].mean() == pytest.approx(21.0, abs=0.5)


def test_restart_burns_ignition_diesel_then_ramps_feed(week: Run) -> None:
    end = _at(week, "2025-06-11T16:00+08:00")
    params = week.plant.params
    ignition = week.frame.values["L1.DSL.IGN"]
    lit = np.flatnonzero(ignition > 0)
    assert lit[0] == end
    assert lit.size == params.ignition_hours * 60
    litres = week.truth.activity["diesel_ignition_l"].sum()
    assert litres == pytest.approx(params.ignition_diesel_l_per_h * params.ignition_hours)
    carbon_t = litres * params.diesel_density_kg_per_l / 1000 * params.diesel.carbon
    expected_co2 = carbon_t * params.diesel.oxidation_rate * 44 / 12
    assert week.truth.total("diesel_ignition") == pytest.approx(expected_co2)
    full = end + int((params.heating_hours + params.ramp_hours) * 60)
    clinker = week.frame.values["L1.CLK.OUT"]
    assert clinker[end : end + int(params.heating_hours * 60)].max() == 0.0
    assert clinker[full : full + 60].mean() == pytest.approx(params.clinker_t_per_h, rel=0.05)


def test_drifting_coal_scale_reads_increasingly_high(week: Run) -> None:
    start = _at(week, "2025-06-12T06:00+08:00") // 60
    measured = np.nanmean(week.frame.values["L1.COAL.PC"].reshape(-1, 60), axis=1)
    true = week.truth.activity["coal_calciner_t"]
    before = (measured[start - 2 : start] / true[start - 2 : start]).mean()
    end = start + 72
    after_three_days = (measured[end - 4 : end] / true[end - 4 : end]).mean()
    assert after_three_days - before == pytest.approx(3 * 0.005, abs=0.004)
    recalibrated = (measured[end + 1 : end + 5] / true[end + 1 : end + 5]).mean()
    assert recalibrated == pytest.approx(before, abs=0.004)


def test_stuck_value_freezes_with_a_normal_flag(week: Run) -> None:
    start, end = _at(week, "2025-06-13T09:00+08:00"), _at(week, "2025-06-13T12:00+08:00")
    o2 = week.frame.values["L1.CEMS.O2"]
    assert np.unique(o2[start:end]).size == 1
    assert np.unique(o2[end : end + 30]).size > 1
    assert (week.frame.flags["L1.CEMS.O2"][start:end] == _flag(QualityFlag.NORMAL)).all()


def test_communication_gap_sends_nothing(week: Run) -> None:
    start = _at(week, "2025-06-14T20:30+08:00")
    for tag in TAG_MAP:
        assert np.isnan(week.frame.values[tag][start : start + 45]).all()
        assert (week.frame.flags[tag][start : start + 45] == _flag(QualityFlag.COMM_FAILURE)).all()
        assert not np.isnan(week.frame.values[tag][start + 45])
    assert week.frame.readings_at(start) == []
    assert len(week.frame.readings_at(start + 45)) == len(TAG_MAP)


def test_daily_calibration_reads_zero_then_span_gas(week: Run) -> None:
    flags = week.frame.flags["L1.CEMS.CO2"]
    calibrating = np.flatnonzero(flags == _flag(QualityFlag.CALIBRATION))
    starts = calibrating[np.insert(np.diff(calibrating) > 1, 0, True)]
    local_starts = [week.frame.minutes[i] + 8 * 60 for i in starts]
    assert [m % 1440 for m in local_starts] == [120] * 7  # 02:00 local, every day
    co2 = week.frame.values["L1.CEMS.CO2"]
    assert (co2[starts[0] : starts[0] + 5] == 0.0).all()
    assert (co2[starts[0] + 5 : starts[0] + 10] == 20.0).all()


def test_maintenance_flags_every_cems_tag(week: Run) -> None:
    start = _at(week, "2025-06-15T09:00+08:00")
    for tag in CEMS_TAGS:
        window = week.frame.flags[tag][start - 1 : start + 241]
        assert window[0] == window[-1] == _flag(QualityFlag.NORMAL)
        assert (window[1:-1] == _flag(QualityFlag.MAINTENANCE)).all()


@pytest.mark.parametrize(
    "tag", ["L1.RM.FEED.TOT", "L1.CLK.OUT.TOT", "L1.EL.IMPORT", "L1.DSL.FL.TOT"]
)
def test_totalisers_roll_over_once_and_keep_counting(week: Run, tag: str) -> None:
    register = week.frame.values[tag]
    valid = register[~np.isnan(register)]
    steps = np.diff(valid)
    assert (steps < 0).sum() == 1
    assert valid[0] == week.plant.scenario.counters[tag]
    unwrapped = np.mod(steps, TAG_MAP[tag].register_max).sum()
    assert unwrapped == pytest.approx(valid[-1] + TAG_MAP[tag].register_max - valid[0])


def test_raw_meal_totaliser_agrees_with_the_truth(week: Run) -> None:
    register = week.frame.values["L1.RM.FEED.TOT"]
    counted = np.mod(register[-1] - register[0], TAG_MAP["L1.RM.FEED.TOT"].register_max)
    true_t = week.truth.activity["raw_meal_t"].sum()
    last_minute = week.frame.values["L1.RM.FEED"][-1] / 60  # register is read at minute start
    assert counted + last_minute == pytest.approx(true_t, rel=0.01)


def test_events_outside_the_window_do_not_leak(week: Run) -> None:
    plant = week.plant
    quiet = plant.scenario.start + timedelta(days=6, hours=5)
    frame = plant.simulate(quiet, quiet + timedelta(hours=1))
    assert all((flags == 0).all() for flags in frame.flags.values())
