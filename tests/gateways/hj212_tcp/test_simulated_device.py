"""End to end: the simulated CEMS data logger uploads through the gateway into the SQLite sink."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from tanji.protocols.hj212 import CHINA_STANDARD_TIME
from tanji.simulator import Plant, load_scenario
from tanji.simulator.cems_device import DEFAULT_MN, DEFAULT_PW, CemsDevice, DeviceConfig
from tests.simulator.factories import FakeAsyncClock

from .harness import gateway

CST = CHINA_STANDARD_TIME


def test_simulated_device_is_stored_and_acknowledged(tmp_path: Path) -> None:
    assert (DEFAULT_MN, DEFAULT_PW) == ("42010000A8900016F0000001", "123456")
    device = CemsDevice(Plant(load_scenario("normal-month")), DeviceConfig(ack_timeout_s=5))

    async def scenario() -> None:
        async with gateway(tmp_path, devices=2) as (server, sink, address):
            start = datetime(2025, 6, 2, 0, 57, 30, tzinfo=CST)
            await device.connect(
                *address, FakeAsyncClock(start, oversleep=timedelta(seconds=2)), limit=4
            )
            assert sink.count() == 5  # 4 minutes and the 00:00 hour
            assert server.stats["uploads stored"] == 5
            assert server.stats["closed: too many bad frames"] == 0

    asyncio.run(asyncio.wait_for(scenario(), 30))
    assert device.log.pending == []
    assert len(device.log.acknowledged) == 5
