from datetime import UTC, datetime, timedelta

import pytest

from tanji.protocols.readings import QualityFlag, Reading
from tanji.protocols.registers import PointKind
from tanji.terminal.processing import MinuteAggregator, TagProfile

M0 = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


def _scan(tag, second, value, flag=QualityFlag.NORMAL):
    return Reading(tag, M0 + timedelta(seconds=second), value, "u", flag)


def test_minute_mean_of_one_second_scans():
    aggregator = MinuteAggregator({"R": TagProfile(scan_s=1)})
    aggregator.add(_scan("R", s, float(s)) for s in range(60))
    assert aggregator.flush(M0 + timedelta(seconds=59)) == []  # minute not over yet
    (minute,) = aggregator.flush(M0 + timedelta(seconds=60))
    assert (minute.time, minute.value, minute.flag) == (M0, 29.5, QualityFlag.NORMAL)


def test_minute_with_too_few_valid_scans_is_flagged():
    aggregator = MinuteAggregator({"R": TagProfile(scan_s=1)})
    aggregator.add(_scan("R", s, 10.0) for s in range(44))  # 44 of 60 < 75 %
    aggregator.add(_scan("R", s, 0.0, QualityFlag.FAULT) for s in range(44, 60))
    (minute,) = aggregator.flush(M0 + timedelta(minutes=1))
    assert (minute.value, minute.flag) == (10.0, QualityFlag.FAULT)


def test_minute_with_exactly_75_percent_valid_scans_is_normal():
    aggregator = MinuteAggregator({"R": TagProfile(scan_s=1)})
    aggregator.add(_scan("R", s, 10.0) for s in range(45))  # 45 of 60 = 75 %
    (minute,) = aggregator.flush(M0 + timedelta(minutes=1))
    assert minute.flag is QualityFlag.NORMAL


def test_minute_without_valid_scans_keeps_the_instrument_flag():
    aggregator = MinuteAggregator({"R": TagProfile(scan_s=10)})
    aggregator.add(_scan("R", s, 0.0, QualityFlag.CALIBRATION) for s in range(0, 60, 10))
    (minute,) = aggregator.flush(M0 + timedelta(minutes=1))
    assert minute.flag is QualityFlag.CALIBRATION


def test_totaliser_delta_across_a_uint32_rollover():
    wrap = 2.0**32 * 0.01
    aggregator = MinuteAggregator({"C": TagProfile(PointKind.TOTALISER, 10, wrap)})
    aggregator.add([_scan("C", 0, wrap - 1.0), _scan("C", 30, wrap - 0.25), _scan("C", 50, 0.5)])
    (minute,) = aggregator.flush(M0 + timedelta(minutes=1))
    assert minute.value == pytest.approx(1.5)  # 0.75 then 0.75 through the wrap
    assert minute.flag is QualityFlag.COMM_FAILURE  # first minute: no baseline before it


def test_totaliser_reset_without_known_wrap_is_flagged_fault():
    aggregator = MinuteAggregator({"C": TagProfile(PointKind.TOTALISER, 10, 0.0)})
    aggregator.add([_scan("C", -10, 500.0)])
    aggregator.flush(M0)
    aggregator.add([_scan("C", 0, 500.0), _scan("C", 10, 502.0), _scan("C", 20, 3.0)])
    (minute,) = aggregator.flush(M0 + timedelta(minutes=1))
    assert (minute.value, minute.flag) == (5.0, QualityFlag.FAULT)


def test_totaliser_delta_continues_across_minutes():
    aggregator = MinuteAggregator({"C": TagProfile(PointKind.TOTALISER, 30, 0.0)})
    aggregator.add(
        [_scan("C", 0, 100.0), _scan("C", 30, 101.0), _scan("C", 60, 103.0), _scan("C", 90, 106.0)]
    )
    first, second = aggregator.flush(M0 + timedelta(minutes=2))
    assert (first.value, second.value) == (1.0, 5.0)
    assert first.flag is QualityFlag.COMM_FAILURE  # increase before the first scan unknown
    assert second.flag is QualityFlag.NORMAL


def test_counter_minute_carries_the_last_register_reading_unflagged():
    aggregator = MinuteAggregator({"C": TagProfile(PointKind.COUNTER, 20, 0.0)})
    aggregator.add([_scan("C", 0, 100.0), _scan("C", 20, 101.5), _scan("C", 40, 103.25)])
    aggregator.add([_scan("C", 50, 0.0, QualityFlag.FAULT)])  # a bad read never wins
    (minute,) = aggregator.flush(M0 + timedelta(minutes=1))
    assert (minute.value, minute.flag) == (103.25, QualityFlag.NORMAL)
