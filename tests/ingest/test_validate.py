"""Validation converts what a device sends into the tag's unit, or refuses it precisely."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tanji.ingest.pipeline import Outcome, ingest
from tanji.protocols.readings import Reading
from tanji.timeseries.models import Sample
from tests.evidence.factories import World
from tests.ingest.cases import RECEIVED, Message
from tests.ingest.test_pipeline import submit

pytestmark = pytest.mark.django_db
AT = RECEIVED - timedelta(hours=1)


def send(world: World, *readings: Reading) -> Outcome:
    message = Message(world.envelope(world.batch(1, list(readings))), world.terminal.device_id)
    return ingest(submit(message), key=world.platform)


def test_a_scale_reporting_kg_per_hour_or_kg_per_second_is_stored_in_t_per_hour(
    world: World,
) -> None:
    outcome = send(
        world,
        Reading(world.coal.code, AT, 12_500.0, "kg/h"),
        Reading(world.coal.code, AT + timedelta(minutes=1), 5.0, "kg/s"),
        Reading(world.coal.code, AT + timedelta(minutes=2), 12.0, "t/h"),
    )
    assert outcome.status == "accepted"
    values = list(Sample.objects.order_by("ts").values_list("value", flat=True))
    assert values == pytest.approx([12.5, 18.0, 12.0])


@pytest.mark.parametrize(
    ("unit", "code"),
    [
        ("m3/h", "ingest.unit_mismatch"),
        ("t", "ingest.unit_mismatch"),
        ("lb/h", "ingest.unknown_unit"),
    ],
)
def test_a_unit_that_does_not_convert_is_refused_naming_reading_and_units(
    world: World, unit: str, code: str
) -> None:
    outcome = send(
        world,
        Reading(world.coal.code, AT, 12.0, "t/h"),
        Reading(world.coal.code, AT + timedelta(minutes=1), 12.0, unit),
    )
    error = outcome.error
    assert error is not None
    assert error.code == code
    assert error.params == {"index": 1, "tag": world.coal.code, "unit": unit, "expected": "t/h"}
    assert Sample.objects.count() == 0
