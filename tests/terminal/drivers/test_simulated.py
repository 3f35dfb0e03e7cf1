from datetime import UTC, datetime

import pytest

from tanji.protocols.readings import QualityFlag
from tanji.terminal.drivers import DRIVERS, build_driver
from tanji.terminal.drivers.base import Driver, DriverError
from tanji.terminal.drivers.simulated import SimulatedConfig, SimulatedDriver

NOW = datetime(2025, 6, 10, 8, 0, 15, tzinfo=UTC)


def test_every_builtin_driver_is_registered():
    assert set(DRIVERS) == {"hj212_das", "lims_csv", "modbus_rtu", "modbus_tcp", "simulated"}


def test_values_come_from_the_value_function():
    driver = SimulatedDriver(
        SimulatedConfig("s", {"A": "t/h", "B": "%"}, lambda t: {"A": float(t.second)})
    )
    assert isinstance(driver, Driver)
    a, b = driver.poll(NOW)
    assert (a.value, a.flag) == (15.0, QualityFlag.NORMAL)
    assert b.flag is QualityFlag.COMM_FAILURE  # the source has no value for B


def test_configured_waves_are_deterministic():
    driver = build_driver("simulated", "s", {"units": {"A": "t/h"}, "waves": {"A": [10, 2, 60]}})
    assert driver.poll(NOW)[0].value == pytest.approx(12.0)  # a quarter period in


@pytest.mark.parametrize(
    "settings",
    [
        {"units": {"A": "t"}},
        {"units": {"A": "t"}, "waves": {"A": [1, 2]}},
        {"units": {"A": "t"}, "waves": {"A": [1, 2, 0]}},
    ],
)
def test_bad_wave_settings_are_refused(settings):
    with pytest.raises(DriverError):
        build_driver("simulated", "s", settings)
