"""Scenarios as data: a start, a length, a seed, initial totaliser registers and scheduled events.

Each scenario is a YAML file beside this module (``normal-month.yaml``, ``eventful-week.yaml``).
An event is ``{kind, at, minutes|hours, tags, every_hours?, count?, rate_per_day?}``; ``at`` is
an ISO 8601 time with offset, ``tags`` a list of tag codes or ``"*"`` for all, and a repeated
event (daily CEMS zero/span checks) gives ``every_hours`` and ``count``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tanji.simulator.errors import SimulatorError
from tanji.simulator.events import Event, EventKind
from tanji.simulator.tags import TAG_MAP, TAGS, TagKind


@dataclass(frozen=True, slots=True)
class Scenario:
    """A simulated period of line L1.

    Attributes:
        name: scenario name.
        description: what happens in it.
        start: aware start time; totaliser registers hold ``counters`` at this instant.
        end: aware end time (exclusive).
        seed: seed of every random draw.
        counters: initial register value per totaliser tag (others start at 0).
        events: scheduled events, expanded (no repetition left).
    """

    name: str
    description: str
    start: datetime
    end: datetime
    seed: int
    counters: dict[str, float] = field(default_factory=dict)
    events: tuple[Event, ...] = ()


def shifted(scenario: Scenario, start: datetime) -> Scenario:
    """The same scenario moved in time so it starts at ``start`` (events keep their offsets).

    Live runs anchor the scenario at today's start, so the totalisers need not be integrated
    from a start date long past and the scheduled events happen on the days they were meant to.
    """
    offset = start - scenario.start
    events = tuple(replace(e, start=e.start + offset, end=e.end + offset) for e in scenario.events)
    return replace(scenario, start=start, end=scenario.end + offset, events=events)


def available() -> list[str]:
    """Names of the bundled scenarios."""
    folder = resources.files(__name__)
    return sorted(Path(item.name).stem for item in folder.iterdir() if item.name.endswith(".yaml"))


def load_scenario(name: str) -> Scenario:
    """Load a bundled scenario by name (``normal-month``, ``eventful-week``)."""
    if name not in available():
        raise SimulatorError(
            "simulator.unknown_scenario",
            "unknown scenario {name!r}; available: {names}",
            name=name,
            names=", ".join(available()),
        )
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return parse_scenario(yaml.safe_load(text), source=name)


def parse_scenario(document: Any, source: str) -> Scenario:
    """Build a :class:`Scenario` from its YAML document, refusing anything malformed."""
    if not isinstance(document, dict):
        raise SimulatorError(
            "simulator.bad_scenario", "{source}: expected a mapping", source=source
        )
    start = _time(document.get("start"), f"{source}.start")
    days = _number(document.get("days"), f"{source}.days")
    counters = document.get("counters") or {}
    for tag, value in counters.items():
        if TAG_MAP.get(tag) is None or TAG_MAP[tag].kind is not TagKind.TOTAL_INCREASING:
            raise SimulatorError(
                "simulator.bad_counter",
                "{source}.counters: {tag!r} is not a totaliser tag",
                source=source,
                tag=tag,
            )
        _number(value, f"{source}.counters.{tag}")
    events: list[Event] = []
    for index, item in enumerate(document.get("events") or []):
        events.extend(_events(item, f"{source}.events[{index}]"))
    return Scenario(
        name=str(document.get("name", source)),
        description=str(document.get("description", "")),
        start=start,
        end=start + timedelta(days=days),
        seed=int(document.get("seed", 0)),
        counters={tag: float(value) for tag, value in counters.items()},
        events=tuple(sorted(events, key=lambda e: e.start)),
    )


def _events(item: Any, where: str) -> list[Event]:
    if not isinstance(item, dict):
        raise SimulatorError("simulator.bad_event", "{where}: expected a mapping", where=where)
    try:
        kind = EventKind(str(item.get("kind")))
    except ValueError:
        raise SimulatorError(
            "simulator.bad_event",
            "{where}.kind: expected one of {kinds}",
            where=where,
            kinds=", ".join(EventKind),
        ) from None
    start = _time(item.get("at"), f"{where}.at")
    if "minutes" in item:
        length = timedelta(minutes=_number(item["minutes"], f"{where}.minutes"))
    else:
        length = timedelta(hours=_number(item.get("hours"), f"{where}.hours"))
    tags = _tags(item.get("tags", []), kind, where)
    every = timedelta(hours=_number(item.get("every_hours", 0), f"{where}.every_hours"))
    count = int(_number(item.get("count", 1), f"{where}.count"))
    rate = _number(item.get("rate_per_day", 0), f"{where}.rate_per_day")
    return [
        Event(kind, start + i * every, start + i * every + length, tags, rate) for i in range(count)
    ]


def _tags(value: Any, kind: EventKind, where: str) -> tuple[str, ...]:
    if value == "*":
        return tuple(tag.code for tag in TAGS)
    if not isinstance(value, list) or (kind is not EventKind.KILN_STOP and not value):
        raise SimulatorError(
            "simulator.bad_event", "{where}.tags: expected a list of tag codes or '*'", where=where
        )
    unknown = [tag for tag in value if tag not in TAG_MAP]
    if unknown:
        raise SimulatorError(
            "simulator.unknown_tag", "{where}.tags: unknown tags {tags}", where=where, tags=unknown
        )
    return tuple(value)


def _time(value: Any, where: str) -> datetime:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SimulatorError(
            "simulator.bad_time",
            "{where}: expected an ISO 8601 time with offset, got {value!r}",
            where=where,
            value=value,
        )
    return moment


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise SimulatorError(
            "simulator.bad_number",
            "{where}: expected a non-negative number, got {value!r}",
            where=where,
            value=value,
        )
    return float(value)
