"""Ground truth: the true emissions per hour by source and the true activity data.

Tests of the platform compare its computations (accounting from meters and lab results, CEMS
mass rates) with these figures. CO2 of refuse fuels is split into fossil and biogenic parts;
only fossil CO2 counts as an emission (GB/T 32151.8-2015; biogenic is a memo item), but the
kiln-tail CEMS sees both, so :attr:`GroundTruth.stack_co2_t` includes the biogenic CO2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tanji.simulator.frame import minute_time
from tanji.simulator.noise import FloatArray, IntArray
from tanji.simulator.process import SOURCES, STACK_SOURCES, ProcessState

BIOGENIC_SOURCES: tuple[str, ...] = ("msw_biogenic", "cloth_strips_biogenic")


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """Hourly true totals.

    Attributes:
        hours: epoch hours (hours since 1970-01-01T00:00Z).
        co2_t: source → tonnes of CO2 in each hour (see :data:`tanji.simulator.process.SOURCES`).
        activity: quantity → amount in each hour: ``clinker_t``, ``raw_meal_t``,
            ``coal_kiln_head_t``, ``coal_calciner_t``, ``msw_t``, ``cloth_strips_t``,
            ``diesel_ignition_l``, ``diesel_forklift_l``, ``electricity_import_mwh``,
            ``electricity_export_mwh``, ``electricity_whr_mwh``.
    """

    hours: IntArray
    co2_t: dict[str, FloatArray]
    activity: dict[str, FloatArray]

    def hour_start(self, index: int) -> datetime:
        """Start of the hour at ``index`` as an aware UTC datetime."""
        return minute_time(int(self.hours[index]) * 60)

    @property
    def stack_co2_t(self) -> FloatArray:
        """All CO2 leaving the kiln-tail stack per hour, fossil and biogenic (what CEMS sees)."""
        total: FloatArray = np.sum([self.co2_t[s] for s in STACK_SOURCES], axis=0)
        return total

    @property
    def fossil_co2_t(self) -> FloatArray:
        """Direct emissions per hour: every source but biogenic CO2."""
        total: FloatArray = np.sum(
            [self.co2_t[s] for s in SOURCES if s not in BIOGENIC_SOURCES], axis=0
        )
        return total

    def total(self, source: str) -> float:
        """Sum of one source over the whole period, t CO2."""
        return float(self.co2_t[source].sum())


def _hourly(per_minute_rate: FloatArray, divisor: float = 60.0) -> FloatArray:
    summed: FloatArray = per_minute_rate.reshape(-1, 60).sum(axis=1) / divisor
    return summed


def ground_truth(minutes: IntArray, state: ProcessState) -> GroundTruth:
    """Aggregate a true state over whole hours (``minutes`` must start on an hour)."""
    flows, diesel, power = state.flows_t_per_h, state.diesel_l_per_h, state.power_kw
    activity = {
        "clinker_t": _hourly(flows["clinker"]),
        "raw_meal_t": _hourly(flows["raw_meal"]),
        "coal_kiln_head_t": _hourly(flows["coal_kh"]),
        "coal_calciner_t": _hourly(flows["coal_pc"]),
        "msw_t": _hourly(flows["msw"]),
        "cloth_strips_t": _hourly(flows["cloth_strips"]),
        "diesel_ignition_l": _hourly(diesel["ignition"]),
        "diesel_forklift_l": _hourly(diesel["forklift"]),
        "electricity_import_mwh": _hourly(power["IMPORT"], 60_000.0),
        "electricity_export_mwh": _hourly(power["EXPORT"], 60_000.0),
        "electricity_whr_mwh": _hourly(power["WHR"], 60_000.0),
    }
    return GroundTruth(
        hours=minutes[::60] // 60,
        co2_t={source: _hourly(state.co2_t_per_h[source]) for source in SOURCES},
        activity=activity,
    )
