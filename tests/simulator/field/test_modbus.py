from datetime import UTC, datetime, timedelta

from pymodbus.client import ModbusTcpClient

from tanji.simulator.field.modbus import InstrumentServer
from tanji.terminal.registers import DataType, RegisterPoint, decode

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
