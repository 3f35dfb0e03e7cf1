"""The CEMS data logger on its own thread: waits for the listener, uploads, reconnects."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tanji.simulator import Plant, load_scenario
from tanji.simulator.cems_device import CemsDevice
from tanji.simulator.field.das import DataLogger, PolledClock
from tanji.terminal.drivers import build_driver
from tanji.terminal.drivers.hj212_das import DasDriver
from tests.components import free_port

START = datetime(2025, 6, 3, 4, 0, 1, tzinfo=UTC)


@dataclass
class SteppedClock:
    now: float = START.timestamp()

    def __call__(self) -> float:
        return self.now


def _listener(port: int) -> DasDriver:
    factors = {"a19001-Avg": {"tag": "L1.CEMS.O2", "unit": "%"}}
    settings = {"host": "127.0.0.1", "port": port, "factors": factors}
    driver = build_driver("hj212_das", "cems", settings)
    assert isinstance(driver, DasDriver)
    return driver


def _wait(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_the_logger_waits_for_the_listener_and_reconnects_after_a_restart() -> None:
    clock = SteppedClock()
    port = free_port()
    device = CemsDevice(Plant(load_scenario("normal-month")))
    logger = DataLogger(device, "127.0.0.1", port, PolledClock(clock, poll_s=0.005), 0.01)
    logger.start()
    try:
        time.sleep(0.1)
        assert logger.connections == 0  # nothing listens yet: it retries, quietly
        listener = _listener(port)
        _wait(lambda: logger.connections == 1)
        time.sleep(0.05)
        clock.now += 60
        _wait(lambda: len(device.log.acknowledged) == 1)
        (reading,) = listener.poll(START)
        assert reading.time == START.replace(second=0)  # the minute just ended
        listener.close()  # a terminal restarting with a new configuration
        listener = _listener(port)
        _wait(lambda: logger.connections == 2)
        time.sleep(0.05)
        clock.now += 60
        _wait(lambda: len(device.log.acknowledged) == 2)
        assert [r.time for r in listener.poll(START)] == [
            START.replace(second=0) + timedelta(minutes=1)
        ]
        listener.close()
    finally:
        logger.stop()
    assert not logger._thread.is_alive()
