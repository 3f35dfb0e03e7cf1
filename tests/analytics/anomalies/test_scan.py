"""Detection against the simulator's injected events (ground truth known by construction)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from tanji.analytics.anomalies import Anomaly, AnomalyKind, scan
from tanji.simulator import Plant, load_scenario
from tanji.simulator.events import EventKind
from tanji.simulator.scenarios import parse_scenario
from tests.analytics.factories import frame_series, line_scan

HOUR = 3_600_000
#: A seeded scenario holding every event kind the detectors are meant to find, and a kiln stop.
SCENARIO = {
    "start": "2025-03-03T00:00:00+08:00",
    "days": 10,
    "seed": 7,
    "counters": {"L1.CLK.OUT.TOT": 999_500.0, "L1.EL.IMPORT": 99_990_000.0},
    "events": [
        {"kind": "calibration", "at": "2025-03-03T02:00:00+08:00", "minutes": 10,
         "every_hours": 24, "count": 10, "tags": ["L1.CEMS.CO2", "L1.CEMS.O2"]},
        {"kind": "kiln_stop", "at": "2025-03-05T08:00:00+08:00", "hours": 20},
        {"kind": "stuck", "at": "2025-03-07T10:00:00+08:00", "hours": 2, "tags": ["L1.CLK.OUT"]},
        {"kind": "stuck", "at": "2025-03-09T15:00:00+08:00", "minutes": 45,
         "tags": ["L1.CEMS.CO2"]},
        {"kind": "drift", "at": "2025-03-08T00:00:00+08:00", "hours": 72, "rate_per_day": 0.01,
         "tags": ["L1.RM.FEED"]},
        {"kind": "comm_gap", "at": "2025-03-09T03:00:00+08:00", "minutes": 30,
         "tags": ["L1.COAL.KH", "L1.COAL.KH.TOT"]},
        {"kind": "maintenance", "at": "2025-03-10T09:00:00+08:00", "hours": 3,
         "tags": ["L1.CEMS.CO2", "L1.CEMS.O2"]},
    ],
}  # fmt: skip
KIND = {EventKind.STUCK: AnomalyKind.STUCK, EventKind.DRIFT: AnomalyKind.DRIFT,
        EventKind.COMM_GAP: AnomalyKind.GAP}  # fmt: skip
#: Spikes and a counter reset added to the frame: (kind, tag, minute offset from the start).
INJECTED = [
    (AnomalyKind.SPIKE, "L1.COAL.PC", 600),
    (AnomalyKind.SPIKE, "L1.CEMS.FLOW", 7000),
    (AnomalyKind.SPIKE, "L1.RM.FEED", 11000),
    (AnomalyKind.COUNTER_BACKWARDS, "L1.COAL.PC.TOT", 9000),
]


@dataclass(frozen=True)
class Truth:
    kind: AnomalyKind
    tag: str
    start_ms: int
    end_ms: int

    def matches(self, found: Anomaly) -> bool:
        return (
            found.kind is self.kind
            and found.tag == self.tag
            and found.overlaps(self.start_ms, self.end_ms + 12 * HOUR)
        )


@pytest.fixture(scope="module")
def seeded() -> tuple[list[Truth], list[Anomaly], tuple[int, int]]:
    scenario = parse_scenario(SCENARIO, "test")
    frame = Plant(scenario).simulate(scenario.start, scenario.end)
    series = frame_series(frame)
    origin = int(frame.minutes[0]) * 60_000
    truth = [
        Truth(KIND[e.kind], tag, e.start_minute * 60_000, e.end_minute * 60_000)
        for e in scenario.events
        if e.kind in KIND
        for tag in e.tags
    ]
    for kind, tag, minute in INJECTED:
        index = int(np.searchsorted(series[tag].ts_ms, origin + minute * 60_000))
        if kind is AnomalyKind.SPIKE:
            series[tag].value[index] *= 1.25
        else:
            series[tag].value[index:] -= 40.0
        at = int(series[tag].ts_ms[index])
        truth.append(Truth(kind, tag, at - 60_000, at + 60_000))
    stop = next(e for e in scenario.events if e.kind is EventKind.KILN_STOP)
    return (
        truth,
        scan(line_scan(series, frame)),
        (stop.start_minute * 60_000, stop.end_minute * 60_000),
    )


def test_recall_and_precision_on_the_seeded_scenario(
    seeded: tuple[list[Truth], list[Anomaly], tuple[int, int]],
) -> None:
    truth, found, _ = seeded
    recalled = [t for t in truth if any(t.matches(a) for a in found)]
    true_positives = [a for a in found if any(t.matches(a) for t in truth)]
    recall = len(recalled) / len(truth)
    precision = len(true_positives) / len(found)
    # Every injected event is found, and there is no false alarm: a single one would bring the
    # precision down to len(truth) / (len(truth) + 1).
    assert recall == 1.0, [t for t in truth if t not in recalled]
    assert precision > len(truth) / (len(truth) + 1), [a for a in found if a not in true_positives]


def test_kiln_stop_is_not_an_anomaly(
    seeded: tuple[list[Truth], list[Anomaly], tuple[int, int]],
) -> None:
    _, found, (start, end) = seeded
    assert [a for a in found if a.overlaps(start, end + 12 * HOUR)] == []


def test_eventful_week_stop_roll_overs_and_calibrations_are_quiet() -> None:
    scenario = load_scenario("eventful-week")
    frame = Plant(scenario).simulate(scenario.start, scenario.end)
    found = scan(line_scan(frame_series(frame), frame))
    stuck = next(e for e in scenario.events if e.kind is EventKind.STUCK)
    gap = next(e for e in scenario.events if e.kind is EventKind.COMM_GAP)
    kinds = {(a.kind, a.tag) for a in found if a.kind is not AnomalyKind.GAP}
    assert kinds == {(AnomalyKind.STUCK, "L1.CEMS.O2")}
    assert {a.tag for a in found if a.kind is AnomalyKind.GAP} == set(gap.tags)
    assert all(a.start_ms == gap.start_minute * 60_000 for a in found if a.kind is AnomalyKind.GAP)
    assert (
        next(a for a in found if a.kind is AnomalyKind.STUCK).start_ms
        == stuck.start_minute * 60_000
    )
