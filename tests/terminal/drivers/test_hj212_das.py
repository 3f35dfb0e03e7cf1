import socket
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tanji.protocols.hj212 import (
    DataRecord,
    FactorData,
    Flags,
    ProtocolVersion,
    build_frame,
    data_message,
    parse_frame,
)
from tanji.protocols.readings import QualityFlag
from tanji.terminal.drivers import build_driver
from tanji.terminal.drivers.base import DriverError
from tanji.terminal.drivers.hj212_das import DasDriver

MN = "010000A8900016F000169DC0"
NOW = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


def _frame(so2="35.2", flag="N", pw="123456", ack=True, mn=MN, cn=2051) -> bytes:
    record = DataRecord(
        datetime(2025, 6, 10, 16, 0, tzinfo=UTC),
        (
            FactorData("a21026", {"Avg": Decimal(so2)}, flag),
            FactorData("a34013", {"Avg": Decimal("4.1")}, "N"),
        ),
    )
    message = data_message(
        record,
        cn=cn,
        qn="20250610160000000",
        mn=mn,
        pw=pw,
        flags=Flags(ProtocolVersion.HJ212_2017, ack=ack),
    )
    return build_frame(message)


@pytest.fixture
def das():
    driver = build_driver(
        "hj212_das",
        "cems",
        {
            "host": "127.0.0.1",
            "port": 0,
            "mn": [MN],
            "password": "123456",
            "factors": {"a21026-Avg": {"tag": "L1.CEMS.SO2", "unit": "mg/m3"}},
        },
    )
    assert isinstance(driver, DasDriver)
    yield driver
    driver.close()


def _send(port: int, payload: bytes, answers: int) -> list[bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(payload)
        received = b""
        while received.count(b"\r\n") < answers:
            received += connection.recv(4096)
    return [line + b"\r\n" for line in received.split(b"\r\n") if line]


def _poll_until(driver: DasDriver, count: int) -> list:
    deadline, out = time.monotonic() + 5, []
    while len(out) < count and time.monotonic() < deadline:
        out += driver.poll(NOW)
        time.sleep(0.01)
    return out


def test_minute_upload_becomes_readings_and_is_answered_9014(das):
    answers = _send(das.port, _frame(), answers=1)
    assert parse_frame(answers[0]).cn == 9014
    (reading,) = _poll_until(das, 1)
    assert (reading.tag, reading.value, reading.unit) == ("L1.CEMS.SO2", 35.2, "mg/m3")
    assert reading.time == datetime(2025, 6, 10, 16, 0, tzinfo=UTC)


def test_malformed_frames_and_wrong_passwords_are_dropped_not_fatal(das):
    garbage = b"##0010QN=broken\r\n" + _frame(pw="000000") + _frame(so2="1.5", flag="C")
    answers = _send(das.port, garbage, answers=1)
    assert len(answers) == 1
    (reading,) = _poll_until(das, 1)
    assert (reading.value, reading.flag) == (1.5, QualityFlag.CALIBRATION)
    assert das.rejected == 1


def test_record_with_an_unknown_flag_is_refused_and_not_acknowledged(das):
    answers = _send(das.port, _frame(flag="E") + _frame(so2="2.0"), answers=1)
    assert len(answers) == 1  # only the good upload is answered; the DAS keeps the other
    (reading,) = _poll_until(das, 1)
    assert reading.value == 2.0
    assert das.rejected == 1


def test_bad_settings_are_named():
    with pytest.raises(DriverError) as caught:
        build_driver("hj212_das", "cems", {"port": 0})
    assert caught.value.code == "driver.hj212.settings"


MN2 = "42010000A8900016F0000002"


def _line(name: str, mn: str, tag: str, port: int = 0, **extra) -> DasDriver:
    factors = {"a21026-Avg": {"tag": tag, "unit": "mg/m3", **extra.pop("factor", {})}}
    settings = {"host": "127.0.0.1", "port": port, "mn": [mn], "factors": factors, **extra}
    driver = build_driver("hj212_das", name, settings)
    assert isinstance(driver, DasDriver)
    return driver


def test_two_data_loggers_on_one_port_feed_their_own_lines_tags():
    first = _line("cems-1", MN, "L1.CEMS.SO2")
    second = _line("cems-2", MN2, "L2.CEMS.SO2", first.port)
    try:
        assert second.port == first.port  # one listener, two instruments
        upload = _frame(so2="35.2") + _frame(so2="7.5", mn="0" * 24) + _frame("12.25", mn=MN2)
        answers = _send(first.port, upload, answers=2)
        assert [parse_frame(a).cn for a in answers] == [9014, 9014]  # the unknown MN: none
        assert [(r.tag, r.value) for r in _poll_until(first, 1)] == [("L1.CEMS.SO2", 35.2)]
        assert [(r.tag, r.value) for r in _poll_until(second, 1)] == [("L2.CEMS.SO2", 12.25)]
        assert first.rejected == second.rejected == 1
    finally:
        second.close()
    assert _send(first.port, _frame(so2="1.0"), answers=1)  # the listener outlives cems-2
    first.close()
    with pytest.raises(ConnectionRefusedError):  # the last instrument closed it
        socket.create_connection(("127.0.0.1", first.port), timeout=1)


def test_hour_records_are_answered_but_only_named_commands_feed_tags_scaled():
    das = _line("cems", MN, "L1.CEMS.SO2", data_commands=[2051], factor={"scale": 0.5})
    try:
        answers = _send(das.port, _frame(so2="9.0", cn=2061) + _frame(so2="3.0"), answers=2)
        assert [parse_frame(a).cn for a in answers] == [9014, 9014]  # the DAS keeps nothing
        assert [r.value for r in _poll_until(das, 1)] == [1.5]
        assert das.poll(NOW) == []
    finally:
        das.close()
