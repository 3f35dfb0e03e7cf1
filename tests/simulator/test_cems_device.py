"""The simulated HJ 212 data logger against a platform stand-in on loopback TCP."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    FrameScanner,
    Message,
    TimeRange,
    build_frame,
    data_answer,
    format_qn,
    history_request,
    interpret,
)
from tanji.simulator import Plant, load_scenario
from tanji.simulator.cems_device import CemsDevice, DeviceConfig
from tanji.simulator.das import CO2_MG_PER_M3_PER_PCT
from tests.simulator.factories import FakeAsyncClock

CST = CHINA_STANDARD_TIME


@dataclass
class Platform:
    """Acknowledges uploads (after dropping the first ``drop`` answers) and may pull history."""

    drop: int = 0
    history: TimeRange | None = None
    received: list[Message] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        scanner = FrameScanner()
        while data := await reader.read(4096):
            for frame in scanner.feed(data):
                assert frame.ok, frame.error
                message = frame.message
                assert message is not None
                self.received.append(message)
                if message.cn not in (2051, 2061) or not message.flags.ack:
                    continue
                if self.history is not None:
                    request = history_request(
                        2051,
                        self.history,
                        qn=format_qn(self.history.end),
                        mn=message.mn,
                        pw=message.pw,
                    )
                    writer.write(build_frame(request))
                    self.history = None
                if self.drop:
                    self.drop -= 1
                    continue
                writer.write(build_frame(data_answer(message)))
                await writer.drain()
        writer.close()


def _session(
    platform: Platform, start: datetime, ticks: int, retries: int = 3, timeout_s: float = 2.0
) -> CemsDevice:
    plant = Plant(load_scenario("normal-month"))
    device = CemsDevice(plant, DeviceConfig(ack_timeout_s=timeout_s, retries=retries))

    async def main() -> None:
        server = await asyncio.start_server(platform.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            await device.connect(
                "127.0.0.1",
                port,
                FakeAsyncClock(start, oversleep=timedelta(seconds=2)),
                limit=ticks,
            )
            await asyncio.sleep(0.05)

    asyncio.run(main())
    return device


def _records(platform: Platform, cn: int) -> list[DataRecord]:
    records = []
    for message in platform.received:
        payload = interpret(message)
        if message.cn == cn and isinstance(payload, DataRecord):
            records.append(payload)
    return records


def test_uploads_minutes_and_the_hour_with_acknowledgement() -> None:
    platform = Platform()
    start = datetime(2025, 6, 2, 0, 58, 30, tzinfo=CST)
    device = _session(platform, start, ticks=3)
    minutes = _records(platform, 2051)
    assert [r.data_time.astimezone(CST).strftime("%H:%M") for r in minutes] == [
        "00:58",
        "00:59",
        "01:00",
    ]
    hours = _records(platform, 2061)
    assert [r.data_time.astimezone(CST).strftime("%H:%M") for r in hours] == ["00:00"]
    assert device.log.pending == []
    assert len(device.log.acknowledged) == 4
    co2 = minutes[0].factor("a05001")
    assert co2 is not None
    assert co2.flag == "N"
    reading = device.plant.values_at(minutes[0].data_time)["L1.CEMS.CO2"]
    assert co2.values["Avg"] == Decimal(f"{reading * CO2_MG_PER_M3_PER_PCT:.1f}")
    assert co2.values["Min"] <= co2.values["Avg"] <= co2.values["Max"]
    hour_co2 = hours[0].factor("a05001")
    assert hour_co2 is not None
    truth = device.plant.ground_truth(hours[0].data_time, hours[0].data_time + timedelta(hours=1))
    bias = device.plant.params.cems.mass_bias
    assert float(hour_co2.values["Cou"]) / 1000 == pytest.approx(
        truth.stack_co2_t[0] * (1 + bias), rel=0.01
    )


def test_resends_the_same_frame_until_answered() -> None:
    platform = Platform(drop=2)
    device = _session(platform, datetime(2025, 6, 2, 3, 10, 5, tzinfo=CST), 1, timeout_s=0.3)
    uploads = [m for m in platform.received if m.cn == 2051]
    assert len(uploads) == 3
    assert len({m.qn for m in uploads}) == 1
    assert device.log.acknowledged == [uploads[0].qn]


def test_unanswered_upload_is_kept_and_re_uploaded_later() -> None:
    platform = Platform(drop=3)
    start = datetime(2025, 6, 2, 3, 10, 5, tzinfo=CST)
    device = _session(platform, start, ticks=2, retries=2, timeout_s=0.3)
    first_qn = platform.received[0].qn
    assert [m.qn for m in platform.received].count(first_qn) == 4  # 3 tries + re-upload
    assert device.log.pending == []
    assert first_qn in device.log.acknowledged
    times = [r.data_time.astimezone(CST).strftime("%H:%M") for r in _records(platform, 2051)]
    assert times[-2:] == ["03:11", "03:10"]  # the late minute follows the next acknowledged one


def test_serves_a_history_request_with_9011_records_and_9012() -> None:
    begin = datetime(2025, 6, 1, 8, 0, tzinfo=CST)
    platform = Platform(history=TimeRange(begin, begin + timedelta(minutes=4)))
    _session(platform, datetime(2025, 6, 2, 3, 10, 5, tzinfo=CST), ticks=1)
    commands = [m.cn for m in platform.received]
    assert commands[0] == 2051
    assert commands[1:] == [9011, 2051, 2051, 2051, 2051, 2051, 9012]
    assert platform.received[1].cp_dict() == {"QnRtn": "1"}
    assert platform.received[-1].cp_dict() == {"ExeRtn": "1"}
    history = _records(platform, 2051)[1:]
    assert [r.data_time for r in history] == [begin + timedelta(minutes=i) for i in range(5)]


def test_sending_before_connecting_is_refused() -> None:
    from tanji.simulator import SimulatorError

    device = CemsDevice(Plant(load_scenario("normal-month")))
    message = device.messages(
        2051,
        device.plant.scenario.start,
        device.plant.scenario.start + timedelta(minutes=1),
        device.plant.scenario.start,
    )[0]
    with pytest.raises(SimulatorError) as caught:
        asyncio.run(device.deliver(message))
    assert caught.value.code == "simulator.not_connected"
