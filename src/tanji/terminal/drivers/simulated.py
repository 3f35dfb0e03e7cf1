"""Simulated driver: the real terminal with fake sensors (httpx's mock-transport idea).

Values come from a ``values_at(time) -> {tag: value}`` callable, normally the plant simulator's,
so demos and tests exercise exactly the code path of a plant: scheduling, pre-processing,
batching, signing, buffering and uplink.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tanji.protocols.readings import QualityFlag, Reading
from tanji.terminal.drivers.base import DriverError

ValuesAt = Callable[[datetime], Mapping[str, float]]


@dataclass(frozen=True)
class SimulatedConfig:
    """A simulated instrument.

    Attributes:
        name: instrument name.
        units: tag → unit for every tag produced.
        values_at: the value source.
        failing: when set, every poll raises (to rehearse driver errors).
    """

    name: str
    units: Mapping[str, str]
    values_at: ValuesAt = field(compare=False)
    failing: bool = False


class SimulatedDriver:
    """Driver over a value function."""

    def __init__(self, config: SimulatedConfig) -> None:
        self.config = config

    @property
    def name(self) -> str:
        """Instrument name."""
        return self.config.name

    def tags(self) -> Sequence[str]:
        """Tags with a unit in the configuration."""
        return tuple(self.config.units)

    def poll(self, now: datetime, tags: Sequence[str] | None = None) -> list[Reading]:
        """Evaluate the value function at ``now``."""
        if self.config.failing:
            raise DriverError(
                "driver.simulated.down", "{name}: simulated failure", name=self.config.name
            )
        values = self.config.values_at(now)
        wanted = tags if tags is not None else self.tags()
        return [
            Reading(tag, now, float(values[tag]), self.config.units[tag], QualityFlag.NORMAL)
            if tag in values
            else Reading(tag, now, 0.0, self.config.units[tag], QualityFlag.COMM_FAILURE)
            for tag in wanted
        ]

    def close(self) -> None:
        """Nothing to release."""


def _wave(spec: object, name: str, tag: str) -> tuple[float, float, float]:
    if (
        not isinstance(spec, list)
        or len(spec) != 3
        or not all(isinstance(x, int | float) for x in spec)
        or spec[2] <= 0
    ):
        raise DriverError(
            "driver.simulated.wave",
            "{name}: waves.{tag} must be [base, amplitude, period_s > 0], got {spec!r}",
            name=name,
            tag=tag,
            spec=spec,
        )
    return float(spec[0]), float(spec[1]), float(spec[2])


def from_settings(name: str, settings: Mapping[str, Any]) -> SimulatedDriver:
    """Factory for ``driver = "simulated"``: sine waves ``{tag: [base, amplitude, period_s]}``.

    Platform configuration cannot carry code, so a configured simulated instrument produces
    deterministic waves; programmatic callers pass any ``values_at`` to :class:`SimulatedConfig`.
    """
    units = settings.get("units")
    waves = settings.get("waves")
    if not isinstance(units, dict) or not isinstance(waves, dict) or set(units) != set(waves):
        raise DriverError(
            "driver.simulated.settings",
            "{name}: needs units and waves for the same tags",
            name=name,
        )
    parsed = {tag: _wave(spec, name, tag) for tag, spec in waves.items()}

    def values_at(moment: datetime) -> dict[str, float]:
        seconds = moment.timestamp()
        return {
            tag: base + amplitude * math.sin(2 * math.pi * seconds / period)
            for tag, (base, amplitude, period) in parsed.items()
        }

    return SimulatedDriver(SimulatedConfig(name=name, units=dict(units), values_at=values_at))
