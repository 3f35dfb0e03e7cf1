from datetime import UTC, datetime

import pytest

from tanji.protocols.readings import QualityFlag
from tanji.protocols.registers import DataType, PointKind, RegisterPoint
from tanji.simulator.field.modbus import InstrumentServer, free_port
from tanji.terminal.drivers import build_driver
from tanji.terminal.drivers.base import Driver, DriverError
from tanji.terminal.drivers.modbus import (
    ModbusDriver,
    ModbusTcpConfig,
    plan_reads,
)

NOW = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)
POINTS = (
    RegisterPoint("L1.COAL.KH", 0, "t/h", data_type=DataType.FLOAT32),
    RegisterPoint(
        "L1.COAL.TOTAL",
        2,
        "t",
        data_type=DataType.UINT32,
        word_order="little",
        scale=0.01,
        kind=PointKind.TOTALISER,
    ),
    RegisterPoint("L1.KILN.TEMP", 10, "°C", function=4, data_type=DataType.INT16, scale=0.1),
    RegisterPoint("L1.O2", 20, "%", data_type=DataType.FLOAT64, byte_order="little"),
)
VALUES = {"L1.COAL.KH": 12.5, "L1.COAL.TOTAL": 123456.78, "L1.KILN.TEMP": 1450.3, "L1.O2": 3.25}


@pytest.fixture
def server():
    with InstrumentServer(POINTS, lambda _t: VALUES) as running:
        yield running


def _driver(port: int) -> ModbusDriver:
    return ModbusDriver(
        ModbusTcpConfig("coal-scale", "127.0.0.1", POINTS, port=port, timeout_s=1.0)
    )


def test_reads_every_data_type_from_a_real_server(server):
    driver = _driver(server.port)
    assert isinstance(driver, Driver)
    readings = {r.tag: r for r in driver.poll(NOW)}
    driver.close()
    assert readings["L1.COAL.KH"].value == 12.5
    assert readings["L1.COAL.TOTAL"].value == pytest.approx(123456.78)
    assert readings["L1.KILN.TEMP"].value == pytest.approx(1450.3)
    assert readings["L1.O2"].value == 3.25
    assert {r.flag for r in readings.values()} == {QualityFlag.NORMAL}
    assert readings["L1.KILN.TEMP"].unit == "°C"


def test_neighbouring_points_share_one_request():
    blocks = plan_reads(POINTS)
    assert [(b.function, b.start, b.count) for b in blocks] == [(3, 0, 4), (3, 20, 4), (4, 10, 1)]


def test_polls_only_the_requested_tags(server):
    driver = _driver(server.port)
    assert [r.tag for r in driver.poll(NOW, ["L1.O2"])] == ["L1.O2"]
    driver.close()


def test_exception_response_is_a_driver_error(server):
    server.failing = True
    driver = _driver(server.port)
    with pytest.raises(DriverError) as caught:
        driver.poll(NOW)
    assert caught.value.code == "driver.modbus.exception"
    driver.close()


def test_unreachable_instrument_is_a_driver_error():
    driver = _driver(free_port())
    with pytest.raises(DriverError) as caught:
        driver.poll(NOW)
    assert caught.value.code == "driver.modbus.connect"


def test_reconnects_after_the_instrument_restarts():
    server = InstrumentServer(POINTS, lambda _t: VALUES).start()
    driver = _driver(server.port)
    assert len(driver.poll(NOW)) == 4
    server.stop()
    with pytest.raises(DriverError):
        driver.poll(NOW)
    restarted = InstrumentServer(POINTS, lambda _t: VALUES, port=server.port).start()
    try:
        readings = driver.poll(NOW)
        if not readings:  # pragma: no cover - the first poll may see the dead socket
            readings = driver.poll(NOW)
        assert len(readings) == 4
    finally:
        driver.close()
        restarted.stop()


def test_factory_builds_from_platform_settings(server):
    driver = build_driver(
        "modbus_tcp",
        "m1",
        {
            "host": "127.0.0.1",
            "port": server.port,
            "points": [{"tag": "L1.COAL.KH", "address": 0, "unit": "t/h"}],
        },
    )
    assert [r.value for r in driver.poll(NOW)] == [12.5]
    driver.close()


@pytest.mark.parametrize(
    ("kind", "settings", "code"),
    [
        ("modbus_tcp", {"host": "h"}, "driver.modbus.points"),
        (
            "modbus_tcp",
            {"points": [{"tag": "A", "address": 0, "unit": "t"}]},
            "driver.modbus.settings",
        ),
        (
            "modbus_rtu",
            {
                "serial_port": "/dev/null",
                "baud": 9600,
                "points": [{"tag": "A", "address": 0, "unit": "t"}],
            },
            "driver.modbus.settings",
        ),
        ("profibus", {}, "driver.unknown"),
    ],
)
def test_factory_rejects_bad_settings(kind, settings, code):
    with pytest.raises(DriverError) as caught:
        build_driver(kind, "m1", settings)
    assert caught.value.code == code


def test_reads_rtu_frames_through_a_serial_port():
    with InstrumentServer(POINTS, lambda _t: VALUES, rtu=True, unit_id=7) as server:
        driver = build_driver(
            "modbus_rtu",
            "m2",
            {
                "serial_port": f"socket://127.0.0.1:{server.port}",
                "baudrate": 19200,
                "unit_id": 7,
                "points": [{"tag": "L1.COAL.KH", "address": 0, "unit": "t/h"}],
            },
        )
        try:
            assert [r.value for r in driver.poll(NOW)] == [12.5]
        finally:
            driver.close()


def test_missing_serial_port_is_a_driver_error():
    driver = build_driver(
        "modbus_rtu",
        "m2",
        {
            "serial_port": "/dev/ttyUSB-none",
            "points": [{"tag": "A", "address": 0, "unit": "t"}],
        },
    )
    with pytest.raises(DriverError):
        driver.poll(NOW)
