from datetime import UTC, datetime, timedelta

import pytest
from pymodbus.client import ModbusTcpClient

from tanji.protocols.registers import DataType, RegisterPoint, decode
from tanji.simulator import TAG_MAP, Plant, load_scenario
from tanji.simulator.field.modbus import InstrumentServer, register_map
from tanji.terminal.agent import Agent
from tanji.terminal.drivers.base import DriverError
from tanji.terminal.drivers.modbus import ModbusDriver, ModbusTcpConfig
from tanji.terminal.processing import TagProfile
from tests.terminal.factories import DEVICE, Field

POINT = RegisterPoint("L1.KILN.FEED", 100, "t/h", function=4, data_type=DataType.FLOAT32)


def test_registers_follow_the_value_function_at_read_time():
    now = [datetime(2025, 6, 10, tzinfo=UTC)]
    server = InstrumentServer(
        [POINT], lambda t: {"L1.KILN.FEED": t.minute * 10.0}, clock=lambda: now[0]
    )
    with server:
        client = ModbusTcpClient("127.0.0.1", port=server.port)
        assert client.connect()
        first = client.read_input_registers(100, count=2, device_id=1).registers
        now[0] += timedelta(minutes=3)
        second = client.read_input_registers(100, count=2, device_id=1).registers
        client.close()
    assert (decode(POINT, first), decode(POINT, second)) == (0.0, 30.0)
    assert server.reads == 2


def test_plant_simulator_drives_the_terminal_end_to_end(tmp_path):
    plant = Plant(load_scenario("normal-month"))
    specs = [TAG_MAP[code] for code in ("L1.COAL.KH", "L1.RM.FEED", "L1.EL.KILN")]
    points = register_map(specs)
    field = Field(tmp_path)
    field.clock.now = datetime(2025, 6, 2, 8, 0, tzinfo=UTC).timestamp()
    server = InstrumentServer(
        points, plant.values_at, clock=lambda: datetime.fromtimestamp(field.clock(), UTC)
    )
    with server:
        driver = ModbusDriver(ModbusTcpConfig("line", "127.0.0.1", points, port=server.port))
        profiles = {("line", p.tag): TagProfile(p.kind, p.scan_s, p.wrap) for p in points}
        outbox = field.outbox(power_safe=False)
        agent = Agent(
            field.sealer, outbox, {"line": driver}, profiles, clock=field.clock, batch_max_age_s=0
        )
        for _ in range(125):
            agent.tick()
            field.clock.now += 1
        agent.close()
    forwarder = field.forwarder(outbox)
    forwarder.step()
    got = {(tag, moment): value for tag, moment, value in field.platform.samples(DEVICE)}
    minute = datetime(2025, 6, 2, 8, 1, tzinfo=UTC)
    truth = plant.values_at(minute)
    assert got[("L1.COAL.KH", minute)] == pytest.approx(truth["L1.COAL.KH"], rel=1e-6)
    assert got[("L1.RM.FEED", minute)] == pytest.approx(truth["L1.RM.FEED"], rel=1e-6)
    # a totaliser's minute value is the increase since the previous minute's register
    before = plant.values_at(minute - timedelta(minutes=1))["L1.EL.KILN"]
    increase = (truth["L1.EL.KILN"] - before) % TAG_MAP["L1.EL.KILN"].register_max
    assert increase > 0
    assert got[("L1.EL.KILN", minute)] == pytest.approx(increase, abs=1e-6)


def test_a_communication_gap_makes_the_instrument_answer_with_an_exception():
    with InstrumentServer([POINT], lambda _t: {"L1.KILN.FEED": float("nan")}) as server:
        driver = ModbusDriver(ModbusTcpConfig("kiln", "127.0.0.1", (POINT,), port=server.port))
        with pytest.raises(DriverError) as caught:
            driver.poll(datetime(2025, 6, 10, tzinfo=UTC))
        driver.close()
    assert caught.value.code == "driver.modbus.exception"
