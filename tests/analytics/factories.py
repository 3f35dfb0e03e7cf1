"""Meter series and daily heat balances from the plant simulator (tag map as profiles)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import numpy as np

from tanji.analytics.anomalies import Balance, LineScan, MeterKind, Profile, Series
from tanji.analytics.anomalies.heat import HeatDays
from tanji.protocols.readings import QualityFlag
from tanji.simulator import TAGS, Frame, Plant, TagKind
from tanji.simulator.events import FLAG_CODE

VALID = FLAG_CODE[QualityFlag.NORMAL]
#: The kiln feed is judged against the clinker output (料耗比).
BALANCES = (Balance("L1.RM.FEED", "L1.CLK.OUT", "kiln feed / clinker"),)


def profiles() -> dict[str, Profile]:
    """Profiles of the simulated tags by unit and kind."""
    result = {}
    for tag in TAGS:
        if tag.kind is TagKind.TOTAL_INCREASING:
            result[tag.code] = Profile(MeterKind.COUNTER, register_max=tag.register_max)
        elif tag.unit == "t/h":
            result[tag.code] = Profile(MeterKind.RATE)
        elif tag.unit == "L/h":
            result[tag.code] = Profile(MeterKind.STEADY)  # burner at a fixed setting
        else:
            result[tag.code] = Profile(MeterKind.ANALYSER)
    return result


def frame_series(frame: Frame) -> dict[str, Series]:
    """Each tag's samples as the store would hold them (missing minutes absent)."""
    ts = frame.minutes.astype(np.int64) * 60_000
    result = {}
    for tag, values in frame.values.items():
        keep = np.isfinite(values)
        valid = frame.flags[tag] == VALID
        result[tag] = Series(tag, ts[keep], values[keep].copy(), valid[keep])
    return result


def line_scan(series: Mapping[str, Series], frame: Frame) -> LineScan:
    """The scan of a whole frame with the simulator's profiles and balance."""
    window = (int(frame.minutes[0]) * 60_000, (int(frame.minutes[-1]) + 1) * 60_000)
    return LineScan(window, series, profiles(), BALANCES, "L1.CLK.OUT")


#: Refuse tags of the simulator and their NCV (GB/T 34615 values of the simulated line, GJ/t).
REFUSE_NCV = {"L1.MSW.FEED": 12.0, "L1.CLOTH.FEED": 16.5}


def heat_days(plant: Plant, start: datetime, days: int) -> HeatDays:
    """Daily coal, batch NCV, refuse heat and clinker of ``days`` simulated days from ``start``.

    Each minute's coal is weighted by the NCV the lab reported for the batch fired then (the
    reported value, lab error included), as the platform does with the recorded analyses.
    """
    frame = plant.simulate(start, start + timedelta(days=days))
    ncv = np.full(frame.minutes.size, np.nan)
    for result in plant.lab_results(start - timedelta(days=3), start + timedelta(days=days + 3)):
        if (result.material, result.analyte) == ("coal", "ncv"):
            first = int(result.period_start.timestamp()) // 60
            last = int(result.period_end.timestamp()) // 60
            ncv[(frame.minutes >= first) & (frame.minutes < last)] = result.value
    day = (frame.minutes - frame.minutes[0]) // 1440

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(day, np.nan_to_num(values) / 60.0, minlength=days)

    coal = frame.values["L1.COAL.KH"] + frame.values["L1.COAL.PC"]
    coal_t = total(coal)
    return HeatDays(
        int(frame.minutes[0]) * 60_000 + 86_400_000 * np.arange(days, dtype=np.int64),
        total(frame.values["L1.COAL.KH"]),
        total(frame.values["L1.COAL.PC"]),
        np.where(coal_t > 0, total(coal * ncv) / np.where(coal_t > 0, coal_t, 1.0), np.nan),
        total(frame.values["L1.CLK.OUT"]),
        sum(
            (total(frame.values[tag]) * value for tag, value in REFUSE_NCV.items()), np.zeros(days)
        ),
    )
