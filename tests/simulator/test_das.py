"""HJ 212 records the data logger builds from the plant's CEMS readings."""

from datetime import datetime

import pytest

from tanji.protocols.hj212 import build_frame, data_message, interpret, parse_frame
from tanji.simulator.das import hour_record, hour_starts, minute_record
from tanji.simulator.events import epoch_minute

from .conftest import Run


def _index(run: Run, text: str) -> int:
    return epoch_minute(datetime.fromisoformat(text)) - run.plant.origin


def test_minute_record_round_trips_in_a_frame_with_tv10_shape(week: Run) -> None:
    kv = week.plant.params.velocity_coefficient
    record = minute_record(week.frame, 30, kv, week.plant.seed)
    raw = build_frame(
        data_message(record, cn=2051, qn="20250609003100123", mn="M" * 24, pw="123456")
    )
    decoded = interpret(parse_frame(raw))
    assert decoded == record
    co2 = record.factor("a05001")
    flow = record.factor("a00000")
    assert co2 is not None
    assert flow is not None
    assert list(co2.values) == ["Min", "Avg", "Max", "Cou"]
    expected_cou = float(co2.values["Avg"]) * float(flow.values["Cou"]) * 1e-6
    assert float(co2.values["Cou"]) == pytest.approx(expected_cou, rel=1e-3)
    assert float(flow.values["Avg"]) * 60 == pytest.approx(float(flow.values["Cou"]), rel=1e-3)


def test_minute_in_a_communication_gap_carries_flag_b_and_no_values(week: Run) -> None:
    index = _index(week, "2025-06-14T20:40+08:00")
    record = minute_record(week.frame, index, 0.95, week.plant.seed)
    assert {f.flag for f in record.factors} == {"B"}
    assert all(f.values == {} for f in record.factors)


def test_hour_while_the_kiln_is_down_is_invalid_and_flagged_f(week: Run) -> None:
    index = _index(week, "2025-06-10T20:00+08:00")
    record = hour_record(week.frame, index, 0.95)
    assert {f.flag for f in record.factors} == {"F"}
    assert all(f.values == {} for f in record.factors)


def test_hour_with_a_calibration_scales_the_mass_to_sixty_minutes(week: Run) -> None:
    index = _index(week, "2025-06-09T02:00+08:00")  # 10 minutes flagged C, k = 50
    record = hour_record(week.frame, index, 0.95)
    co2 = record.factor("a05001")
    assert co2 is not None
    assert co2.flag == "N"
    minutes = [
        minute_record(week.frame, i, 0.95, week.plant.seed) for i in range(index, index + 60)
    ]
    valid = [m.factor("a05001") for m in minutes]
    masses = [float(f.values["Cou"]) for f in valid if f is not None and f.flag == "N"]
    assert len(masses) == 50
    assert float(co2.values["Cou"]) == pytest.approx(sum(masses) * 60 / 50, rel=1e-4)


def test_hour_starts_are_whole_hours_inside_the_frame(week: Run) -> None:
    starts = hour_starts(week.frame)
    assert len(starts) == 7 * 24
    assert all(int(week.frame.minutes[i]) % 60 == 0 for i in starts)
