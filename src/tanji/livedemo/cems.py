"""The demo line's CEMS over HJ 212: a simulated data logger uploading to the line's terminal.

In a plant the kiln-tail CEMS values reach the carbon platform through the CEMS data-acquisition
system (DAS), which speaks HJ 212-2017, not through the DCS's Modbus gateway. So each demo line's
CEMS tags are taken off the line's Modbus register map and its CEMS ledger instruments (gas
analyser, flow meter, temperature and pressure transmitters) are assigned to the line's terminal
with the ``hj212_das`` driver: one listener port per line, the line's data-logger MN, minute
records (2051) only, and per tag the HJ 212 App. B factor that feeds it (ADR 0228). The
simulator's :class:`~tanji.simulator.cems_device.CemsDevice` then uploads every minute to that
listener; the terminal signs and forwards as it does for every other instrument.

Units: the DAS reports App. B units. Flow (a00000, m³/s at standard state) and static pressure
(a01013, kPa) are converted by the platform into the demo tags' Nm3/h and Pa; O2, moisture and
temperature are in the tags' units already; CO2 (a05001) comes as a mass concentration and the
demo tag keeps a volume fraction, which no dimension converts, so the factor carries the scale of
HJ 212-2017 App. D eq. (20) at standard state (c[%] = c[mg/m³] / (10⁴ × M_CO2 / 22.4), the
simulator's own constant, so the demo tag shows the analyser's value up to the DAS's rounding).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from tanji.livedemo.backfill import LineFeed
from tanji.plant.models import Tag
from tanji.simulator.cems_device import CemsDevice, DeviceConfig
from tanji.simulator.das import CO2_MG_PER_M3_PER_PCT
from tanji.simulator.field.das import DataLogger, PolledClock

#: Simulated CEMS tag → (HJ 212 value, the unit the DAS reports it in or None for the tag's
#: own, scale into the tag's unit).
FACTORS: dict[str, tuple[str, str | None, float]] = {
    "L1.CEMS.CO2": ("a05001-Avg", None, 1.0 / CO2_MG_PER_M3_PER_PCT),
    "L1.CEMS.O2": ("a19001-Avg", None, 1.0),
    "L1.CEMS.H2O": ("a01014-Avg", None, 1.0),
    "L1.CEMS.TEMP": ("a01012-Avg", None, 1.0),
    "L1.CEMS.PRES": ("a01013-Avg", "kPa", 1.0),
    "L1.CEMS.FLOW": ("a00000-Avg", "Nm3/s", 1.0),
}
#: Only minute records: the hour record repeats the factor codes at the hour's first minute.
DATA_COMMANDS = [2051]


def data_logger_mn(device: str) -> str:
    """The 24 hex characters of a line's data-logger MN (HJ 212-2017 §6.3.2), stable per line."""
    return hashlib.sha256(device.encode()).hexdigest()[:24].upper()


def cems_points(feed: LineFeed) -> dict[str, dict[str, Any]]:
    """Demo tag code → acquisition point (factor, unit, scale) of the line's CEMS tags."""
    codes = dict(Tag.objects.filter(pk__in=feed.tag_ids).values_list("pk", "code"))
    points: dict[str, dict[str, Any]] = {}
    for sim_code, tag_id, _factor in feed.routes:
        if sim_code in FACTORS:
            factor, unit, scale = FACTORS[sim_code]
            point: dict[str, Any] = {"factor": factor}
            point |= {"unit": unit} if unit else {}
            point |= {"scale": scale} if scale != 1.0 else {}
            points[codes[tag_id]] = point
    return points


def connection(device: str, port: int) -> dict[str, Any]:
    """The listener settings of a line's DAS instruments."""
    mn = [data_logger_mn(device)]
    return {"host": "127.0.0.1", "port": port, "mn": mn, "data_commands": DATA_COMMANDS}


def data_logger(
    feed: LineFeed, device: str, port: int, clock: Callable[[], float], poll_s: float
) -> DataLogger:
    """The line's simulated CEMS data logger, connecting to the terminal's listener."""
    config = DeviceConfig(mn=data_logger_mn(device))
    polled = PolledClock(clock, poll_s)
    retry_s = min(1.0, 10 * poll_s)
    return DataLogger(CemsDevice(feed.plant.plant, config), "127.0.0.1", port, polled, retry_s)
