"""The simulated line L1: back-fill any window fast, read any instant, expose the ground truth.

:class:`Plant` composes the pieces: operation (kiln stops) → true process state → instrument
readings → drift → totaliser registers → flags from events. Every random draw is addressed by
(seed, stream, epoch minute), so a window gives the same values however it was requested; only
the totalisers need history, and their running sums are cached at 30-day checkpoints from the
scenario start, where the registers hold the scenario's initial values.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from tanji.protocols.readings import QualityFlag, Reading
from tanji.simulator import events as ev
from tanji.simulator.errors import SimulatorError
from tanji.simulator.frame import Frame, minute_time
from tanji.simulator.instruments import measure_cems, measure_flows
from tanji.simulator.lab import LabResult, lab_results
from tanji.simulator.noise import FloatArray, IntArray
from tanji.simulator.operation import KilnStop, operation
from tanji.simulator.parameters import LineParameters
from tanji.simulator.process import ProcessState, process_state
from tanji.simulator.scenarios import Scenario
from tanji.simulator.tags import CEMS_TAGS, TAGS, TagKind
from tanji.simulator.truth import GroundTruth, ground_truth

CHECKPOINT_MINUTES = 30 * 1440
COUNTERS = tuple(tag for tag in TAGS if tag.kind is TagKind.TOTAL_INCREASING)
REGISTER_MAX = {tag.code: tag.register_max for tag in COUNTERS}


@dataclass(slots=True)
class _Cache:
    checkpoints: dict[int, dict[str, float]] = field(default_factory=dict)
    days: OrderedDict[int, Frame] = field(default_factory=OrderedDict)


class Plant:
    """Line L1 under a scenario.

    Args:
        scenario: start, seed, initial registers and events.
        params: design parameters (defaults: the 5000 t/d reference line).
    """

    def __init__(self, scenario: Scenario, params: LineParameters | None = None) -> None:
        self.scenario = scenario
        self.params = params or LineParameters()
        self.origin = ev.epoch_minute(scenario.start)
        self._stops = tuple(
            KilnStop(e.start_minute, e.end_minute)
            for e in scenario.events
            if e.kind is ev.EventKind.KILN_STOP
        )
        self._cache = _Cache()

    @property
    def seed(self) -> int:
        """Seed of every random draw."""
        return self.scenario.seed

    def _window(self, start: datetime, end: datetime) -> tuple[int, int]:
        m0, m1 = ev.epoch_minute(start), ev.epoch_minute(end)
        if m0 < self.origin or m1 <= m0:
            raise SimulatorError(
                "simulator.bad_window",
                "window {start} – {end} must be non-empty and not before the scenario start "
                "{origin}",
                start=start.isoformat(),
                end=end.isoformat(),
                origin=self.scenario.start.isoformat(),
            )
        return m0, m1

    def _rates(self, minutes: IntArray) -> tuple[ProcessState, dict[str, FloatArray]]:
        state = process_state(
            self.seed, minutes, operation(minutes, self._stops, self.params), self.params
        )
        values = measure_flows(self.seed, minutes, state)
        values.update(measure_cems(self.seed, minutes, state, self.params))
        ev.apply_drift(minutes, values, self.scenario.events)
        return state, values

    @staticmethod
    def _counter_rates(values: dict[str, FloatArray]) -> dict[str, FloatArray]:
        return {t.code: values[t.rate_tag or t.code] for t in COUNTERS}

    def _base(self, minute: int) -> dict[str, float]:
        """Register value (before wrapping) of every totaliser at ``minute``."""
        point = self.origin + (minute - self.origin) // CHECKPOINT_MINUTES * CHECKPOINT_MINUTES
        sums = self._checkpoint(point)
        if point == minute:
            return sums
        rates = self._counter_rates(self._rates(np.arange(point, minute, dtype=np.int64))[1])
        return {tag: sums[tag] + float(rates[tag].sum()) / 60.0 for tag in sums}

    def _checkpoint(self, point: int) -> dict[str, float]:
        if point == self.origin:
            return {t.code: self.scenario.counters.get(t.code, 0.0) for t in COUNTERS}
        if point not in self._cache.checkpoints:
            previous = point - CHECKPOINT_MINUTES
            sums = self._checkpoint(previous)
            minutes = np.arange(previous, point, dtype=np.int64)
            rates = self._counter_rates(self._rates(minutes)[1])
            self._cache.checkpoints[point] = {
                tag: sums[tag] + float(rates[tag].sum()) / 60.0 for tag in sums
            }
        return self._cache.checkpoints[point]

    def _stuck_start(self, m0: int, m1: int) -> int:
        starts = [
            e.start_minute
            for e in self.scenario.events
            if e.kind is ev.EventKind.STUCK and e.start_minute < m1 and e.end_minute > m0
        ]
        return max(min(starts, default=m0), self.origin) if starts else m0

    def simulate(self, start: datetime, end: datetime) -> Frame:
        """Back-fill ``[start, end)`` at minute resolution (vectorised)."""
        m0, m1 = self._window(start, end)
        first = min(m0, self._stuck_start(m0, m1))
        minutes = np.arange(first, m1, dtype=np.int64)
        state, values = self._rates(minutes)
        base = self._base(first)
        for tag, rate in self._counter_rates(values).items():
            running = base[tag] + np.concatenate(([0.0], np.cumsum(rate[:-1]) / 60.0))
            values[tag] = np.mod(running, REGISTER_MAX[tag])
        normal, stopped = ev.FLAG_CODE[QualityFlag.NORMAL], ev.FLAG_CODE[QualityFlag.STOPPED]
        flags = {tag: np.full(minutes.size, normal, dtype=np.uint8) for tag in values}
        for tag in CEMS_TAGS:
            flags[tag][state.stopped] = stopped
        ev.apply_flags(minutes, values, flags, self.scenario.events)
        cut = m0 - first
        return Frame(
            minutes[cut:],
            {t.code: values[t.code][cut:] for t in TAGS},
            {t.code: flags[t.code][cut:] for t in TAGS},
        )

    def _day(self, minute: int) -> tuple[Frame, int]:
        day = minute // 1440
        if day not in self._cache.days:
            first = max(day * 1440, self.origin)
            self._cache.days[day] = self._simulate_minutes(first, day * 1440 + 1440)
            if len(self._cache.days) > 2:
                self._cache.days.popitem(last=False)
        frame = self._cache.days[day]
        return frame, minute - int(frame.minutes[0])

    def _simulate_minutes(self, m0: int, m1: int) -> Frame:
        return self.simulate(minute_time(m0), minute_time(m1))

    def _minute(self, moment: datetime) -> int:
        return self._window(moment, moment + timedelta(minutes=1))[0]

    def values_at(self, moment: datetime) -> dict[str, float]:
        """Every tag's value at the minute holding ``moment`` (NaN inside a communication gap).

        Simulated instruments (Modbus registers) are driven from this.
        """
        frame, index = self._day(self._minute(moment))
        return {tag: float(values[index]) for tag, values in frame.values.items()}

    def readings_at(self, moment: datetime) -> list[Reading]:
        """The readings a data logger would send for the minute holding ``moment``."""
        frame, index = self._day(self._minute(moment))
        return frame.readings_at(index)

    def ground_truth(self, start: datetime, end: datetime) -> GroundTruth:
        """True hourly emissions by source and activity data over whole hours ``[start, end)``."""
        m0, m1 = self._window(start, end)
        if m0 % 60 or m1 % 60:
            raise SimulatorError(
                "simulator.not_whole_hours",
                "ground truth needs whole hours, got {start} – {end}",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        minutes = np.arange(m0, m1, dtype=np.int64)
        state = process_state(
            self.seed, minutes, operation(minutes, self._stops, self.params), self.params
        )
        return ground_truth(minutes, state)

    def lab_results(self, start: datetime, end: datetime) -> list[LabResult]:
        """Lab analyses reported within ``[start, end)``, on their real schedules.

        Unlike readings, lab results may be asked for before the scenario start: the coal batch
        fired at the start was delivered, and analysed, before it.
        """
        m0, m1 = ev.epoch_minute(start), ev.epoch_minute(end)
        if m1 <= m0:
            raise SimulatorError(
                "simulator.bad_window",
                "window {start} – {end} is empty",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        return lab_results(self.seed, self.params, m0, m1)
