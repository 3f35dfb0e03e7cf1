"""Meter series from the plant simulator, with the simulator's tag map as profiles."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from tanji.analytics.anomalies import Balance, LineScan, MeterKind, Profile, Series
from tanji.protocols.readings import QualityFlag
from tanji.simulator import TAGS, Frame, TagKind
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
