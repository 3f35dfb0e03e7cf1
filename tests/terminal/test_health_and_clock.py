import json
import random

import pytest

from tanji.terminal.backoff import Backoff
from tanji.terminal.clock import ClockMonitor
from tanji.terminal.health import Health, InstrumentHealth, read_status, write_status


def test_offset_is_the_midpoint_estimate():
    monitor = ClockMonitor()
    monitor.observe(platform_s=1000.0, sent_s=900.0, received_s=902.0)
    assert monitor.offset_s == 99.0
    assert monitor.uncertainty_s == 1.0
    assert not monitor.drifted
    monitor.observe(platform_s=1400.0, sent_s=1000.0, received_s=1000.0)
    assert monitor.drifted


def test_imprecise_observations_are_ignored():
    monitor = ClockMonitor(threshold_s=300)
    monitor.observe(platform_s=5000.0, sent_s=0.0, received_s=1000.0)
    assert monitor.offset_s is None
    assert not monitor.drifted


def test_backoff_window_doubles_up_to_the_cap_with_full_jitter():
    backoff = Backoff(1.0, 8.0, random.Random(7))
    delays = [backoff.failed() for _ in range(6)]
    assert [0 <= d <= w for d, w in zip(delays, [1, 2, 4, 8, 8, 8], strict=True)] == [True] * 6
    assert backoff.window() == 8.0
    backoff.succeeded()
    assert backoff.window() == 1.0
    assert len(set(delays)) == 6


def test_status_file_round_trip(tmp_path):
    health = Health("T-1", 1.0, queue_batches=3, instruments={"m": InstrumentHealth(2.0, 1, "x")})
    write_status(tmp_path / "status.json", health)
    document = read_status(tmp_path / "status.json")
    assert document is not None
    assert document["queue_batches"] == 3
    assert document["instruments"]["m"]["errors"] == 1
    assert json.loads(health.to_json()) == document
    assert read_status(tmp_path / "none.json") is None


@pytest.mark.parametrize("window", [1.0, 60.0])
def test_backoff_never_exceeds_its_window(window):
    backoff = Backoff(window, window)
    assert all(0 <= backoff.failed() <= window for _ in range(100))


def test_file_clock_stands_still_until_the_file_is_replaced(tmp_path):
    from tanji.terminal.clock import FileClock

    path = tmp_path / "clock.json"
    clock = FileClock(path)
    assert clock() == 0.0  # no file yet: the epoch, nothing is due
    FileClock.write(path, 1_750_000_000.0)
    assert clock() == clock() == 1_750_000_000.0
    FileClock.write(path, 1_750_000_300.0)
    import os

    os.utime(path, ns=(1, 2))  # a replacement within the same clock tick is still seen
    assert clock() == 1_750_000_300.0
