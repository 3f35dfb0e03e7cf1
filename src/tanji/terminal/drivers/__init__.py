"""Built-in drivers, one dict: a new driver is a new module plus one entry in :data:`DRIVERS`.

Each entry maps the ``driver`` name used in the platform-signed terminal configuration to a
factory taking the instrument name and its ``settings`` mapping. Factories validate the settings
and raise :class:`~tanji.errors.CodedError` naming the bad field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tanji.terminal.drivers import hj212_das, lims_csv, modbus, simulated
from tanji.terminal.drivers.base import Driver, DriverError

DriverFactory = Callable[[str, Mapping[str, Any]], Driver]

DRIVERS: dict[str, DriverFactory] = {
    "hj212_das": hj212_das.from_settings,
    "lims_csv": lims_csv.from_settings,
    "modbus_rtu": modbus.rtu_from_settings,
    "modbus_tcp": modbus.tcp_from_settings,
    "simulated": simulated.from_settings,
}


def build_driver(kind: str, name: str, settings: Mapping[str, Any]) -> Driver:
    """Instantiate the driver named ``kind`` for one instrument."""
    factory = DRIVERS.get(kind)
    if factory is None:
        raise DriverError(
            "driver.unknown",
            "instrument {name}: unknown driver {kind!r}; known: {known}",
            name=name,
            kind=kind,
            known=sorted(DRIVERS),
        )
    return factory(name, settings)


__all__ = ["DRIVERS", "Driver", "DriverError", "build_driver"]
