"""Kiln operating state per minute: running, stopped, heating up on diesel and coal, ramping feed.

A kiln stop cuts raw-meal feed and firing at once. The restart is the real sequence of a
precalciner kiln: the kiln-head burner is lit on diesel (ignition) for ``ignition_hours``, then
coal takes over at the kiln head and the kiln is heated for the rest of ``heating_hours`` with no
feed; finally feed, precalciner firing and clinker output ramp linearly to full over
``ramp_hours``. Residence-time lags (feed to clinker ~30 min) are neglected at minute resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tanji.simulator.noise import FloatArray, IntArray
from tanji.simulator.parameters import LineParameters

BoolArray = np.ndarray[tuple[int], np.dtype[np.bool_]]


@dataclass(frozen=True, slots=True)
class KilnStop:
    """A kiln stop over epoch minutes ``[start_minute, end_minute)``."""

    start_minute: int
    end_minute: int


@dataclass(frozen=True, slots=True)
class Operation:
    """Per-minute operating state.

    Attributes:
        load: fraction of nominal feed, clinker output and precalciner firing (0–1).
        stopped: no firing at all (CEMS flags F; emissions zero).
        ignition: the diesel ignition burner is on.
        kiln_head_heating: floor of the kiln-head coal, as a fraction of nominal, while the kiln
            is heated without feed and during the feed ramp.
    """

    load: FloatArray
    stopped: BoolArray
    ignition: BoolArray
    kiln_head_heating: FloatArray


def operation(minutes: IntArray, stops: tuple[KilnStop, ...], params: LineParameters) -> Operation:
    """Operating state for the given epoch minutes under the given kiln stops."""
    load = np.ones(minutes.size)
    stopped = np.zeros(minutes.size, dtype=bool)
    ignition = np.zeros(minutes.size, dtype=bool)
    heating = np.zeros(minutes.size)
    ignition_min = params.ignition_hours * 60.0
    heating_min = params.heating_hours * 60.0
    ramp_min = params.ramp_hours * 60.0
    for stop in stops:
        since_end = (minutes - stop.end_minute).astype(np.float64)
        down = (minutes >= stop.start_minute) & (minutes < stop.end_minute)
        in_heating = (since_end >= 0) & (since_end < heating_min)
        in_ramp = (since_end >= heating_min) & (since_end < heating_min + ramp_min)
        stopped |= down
        ignition |= (since_end >= 0) & (since_end < ignition_min)
        coal_share = (
            np.clip((since_end - ignition_min) / max(heating_min - ignition_min, 1.0), 0.0, 1.0)
            * 0.5
        )
        heating = np.where(in_heating, np.maximum(heating, coal_share), heating)
        heating = np.where(in_ramp, np.maximum(heating, 0.5), heating)
        ramp = (since_end - heating_min) / ramp_min
        load = np.where(down | in_heating, 0.0, np.where(in_ramp, np.minimum(load, ramp), load))
    return Operation(load=load, stopped=stopped, ignition=ignition, kiln_head_heating=heating)
