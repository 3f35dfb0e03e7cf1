from typing import Any

import pytest

from tanji.simulator import SimulatorError, load_scenario
from tanji.simulator.events import EventKind
from tanji.simulator.scenarios import available, parse_scenario


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "start": "2025-06-01T00:00:00+08:00",
        "days": 1,
        "seed": 1,
        "events": [],
    }
    document.update(changes)
    return document


def test_bundled_scenarios_load() -> None:
    assert available() == ["eventful-week", "normal-month"]
    week = load_scenario("eventful-week")
    assert {e.kind for e in week.events} == set(EventKind)
    assert (week.end - week.start).days == 7
    month = load_scenario("normal-month")
    assert sum(e.kind is EventKind.CALIBRATION for e in month.events) == 30


def test_repeated_events_expand() -> None:
    event = {
        "kind": "calibration",
        "at": "2025-06-01T02:00:00+08:00",
        "minutes": 10,
        "every_hours": 24,
        "count": 3,
        "tags": ["L1.CEMS.CO2"],
    }
    scenario = parse_scenario(_document(events=[event]), "test")
    assert [e.start.day for e in scenario.events] == [1, 2, 3]
    assert all(e.end_minute - e.start_minute == 10 for e in scenario.events)


@pytest.mark.parametrize(
    ("document", "code", "where"),
    [
        ([], "simulator.bad_scenario", "test"),
        (_document(start="2025-06-01 00:00"), "simulator.bad_time", "test.start"),
        (_document(days=-1), "simulator.bad_number", "test.days"),
        (_document(counters={"L1.CLK.OUT": 5}), "simulator.bad_counter", "L1.CLK.OUT"),
        (_document(events=[{"kind": "explode"}]), "simulator.bad_event", "events[0].kind"),
        (
            _document(
                events=[
                    {
                        "kind": "stuck",
                        "at": "2025-06-01T00:00+08:00",
                        "hours": 1,
                        "tags": ["L9.NOPE"],
                    }
                ]
            ),
            "simulator.unknown_tag",
            "L9.NOPE",
        ),
        (
            _document(events=[{"kind": "maintenance", "at": "2025-06-01T00:00+08:00", "hours": 1}]),
            "simulator.bad_event",
            "events[0].tags",
        ),
    ],
)
def test_malformed_scenarios_are_refused_precisely(document: Any, code: str, where: str) -> None:
    with pytest.raises(SimulatorError) as caught:
        parse_scenario(document, "test")
    assert caught.value.code == code
    assert where in str(caught.value)


def test_unknown_scenario_names_the_available_ones() -> None:
    with pytest.raises(SimulatorError, match="normal-month"):
        load_scenario("busy-year")


def test_shifted_scenario_keeps_event_offsets() -> None:
    from datetime import datetime, timedelta, timezone

    from tanji.simulator.scenarios import shifted

    week = load_scenario("eventful-week")
    moved = shifted(week, datetime(2026, 1, 5, tzinfo=timezone(timedelta(hours=8))))
    assert moved.end - moved.start == week.end - week.start
    assert [e.start - moved.start for e in moved.events] == [
        e.start - week.start for e in week.events
    ]
