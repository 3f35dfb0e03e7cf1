"""Validation by record shape gives what the reading-by-reading path gives, refusals included."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tanji.errors import CodedError
from tanji.ingest import caches
from tanji.ingest.authenticate import authenticate
from tanji.ingest.hj212 import upload_submission
from tanji.ingest.hj212_records import RecordReadings, readings_of
from tanji.ingest.model import Decoded, Refused
from tanji.ingest.validate import validate
from tanji.protocols.hj212 import CHINA_STANDARD_TIME, DataRecord, FactorData
from tests.evidence.factories import HJ212_PASSWORD, World, make_world
from tests.ingest.cases import RECEIVED
from tests.plant.factories import TagFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 6, 10, 16, 0, tzinfo=CHINA_STANDARD_TIME)


@pytest.fixture
def world() -> World:
    caches.clear()
    world = make_world()
    # SO2 (a21026-Avg) is the world's CEMS tag; add flow (m3/s → m3/h) and its cumulative volume
    TagFactory(source=world.cems.source, code="a00000-Avg", unit="m3/h", range_max=5e5)
    TagFactory(source=world.cems.source, code="a00000-Cou", unit="m3", range_max=1e9)
    return world


def record(
    so2: str = "35.5",
    flow: str = "41.2",
    *,
    time: datetime = T0,
    flag: str = "N",
    sample_time: datetime | None = None,
) -> DataRecord:
    return DataRecord(
        time,
        (
            FactorData("a21026", {"Avg": Decimal(so2)}, flag),
            FactorData(
                "a00000", {"Avg": Decimal(flow), "Cou": Decimal("2472")}, "N", None, sample_time
            ),
        ),
    )


def decoded(world: World, content: DataRecord, *, lazy: bool) -> Decoded:
    submission = upload_submission(
        world.logger.device_id, HJ212_PASSWORD, content, (b"##",), RECEIVED
    )
    readings = RecordReadings(content) if lazy else readings_of(content)
    return Decoded(auth=authenticate(submission), readings=readings)


def verdict(world: World, content: DataRecord, *, lazy: bool) -> tuple[Any, ...]:
    try:
        validated = validate(decoded(world, content, lazy=lazy))
    except CodedError as error:
        return (error.code, error.params)
    return (validated.rows, validated.tag_ids)


def test_a_record_of_a_known_shape_goes_to_rows_without_building_its_readings(
    world: World,
) -> None:
    first = decoded(world, record(), lazy=True)
    validate(first)
    later = decoded(world, record("36.0", "40.0", time=T0 + timedelta(minutes=1)), lazy=True)

    validated = validate(later)

    assert later.readings._items is None  # type: ignore[attr-defined]
    plain = validate(
        decoded(world, record("36.0", "40.0", time=T0 + timedelta(minutes=1)), lazy=False)
    )
    assert validated.rows == plain.rows
    assert validated.tag_ids == plain.tag_ids
    assert [row[2] for row in validated.rows] == pytest.approx([36.0, 40.0 * 3600, 2472.0])


VARIANTS = {
    "another minute": {"time": T0 + timedelta(minutes=7)},
    "SO2 out of range": {"so2": "9999"},
    "flow out of range": {"flow": "999"},
    "negative value": {"so2": "-1"},
    "future time": {"time": RECEIVED + timedelta(hours=1)},
    "before enrolment": {"time": datetime(2020, 1, 1, tzinfo=CHINA_STANDARD_TIME)},
    "instrument fault flag": {"flag": "D"},
    "calibration flag": {"flag": "C"},
    "own sample time": {"sample_time": T0 - timedelta(seconds=20)},
}


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
@pytest.mark.parametrize("warm", [False, True], ids=["new shape", "known shape"])
def test_by_shape_and_reading_by_reading_agree(
    world: World, variant: dict[str, Any], warm: bool
) -> None:
    if warm:
        validate(
            decoded(world, record(**{k: v for k, v in variant.items() if k == "flag"}), lazy=True)
        )
    expected = verdict(world, record(**variant), lazy=False)
    assert verdict(world, record(**variant), lazy=True) == expected


def test_an_unknown_factor_is_refused_then_accepted_once_its_tag_exists(world: World) -> None:
    unknown = DataRecord(T0, (FactorData("a21002", {"Avg": Decimal("12")}, "N"),))
    assert verdict(world, unknown, lazy=True) == verdict(world, unknown, lazy=False)
    assert verdict(world, unknown, lazy=True)[0] == "ingest.unknown_tag"

    TagFactory(source=world.cems.source, code="a21002-Avg", unit="mg/m3", range_max=5000)

    rows, _ = verdict(world, unknown, lazy=True)
    assert [row[2] for row in rows] == [12.0]


def test_record_readings_equal_the_readings_of_the_record() -> None:
    content = record()
    lazy = RecordReadings(content)
    assert len(lazy) == 3
    assert lazy == readings_of(content)
    assert lazy[1] == readings_of(content)[1]
    assert list(lazy) == list(readings_of(content))
    assert hash(lazy) == hash(readings_of(content))


def test_record_readings_refuse_an_unknown_flag_at_once() -> None:
    odd = DataRecord(T0, (FactorData("a21026", {"Avg": Decimal("1")}, "X"),))
    with pytest.raises(Refused) as caught:
        RecordReadings(odd)
    assert caught.value.code == "ingest.hj212_flag"


def test_shapes_remembered_per_table_are_bounded(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tanji.ingest.hj212_shapes.MAX_SHAPES", 2)
    flags = ["N", "M", "D"]  # three shapes: the SO2 factor's flag changes
    for minute, flag in enumerate(flags):
        content = record(time=T0 + timedelta(minutes=minute), flag=flag)
        assert verdict(world, content, lazy=True) == verdict(world, content, lazy=False)
    table = caches.enterprise_tags(world.enterprise.pk)
    memo = caches.plan_memo(world.enterprise.pk, table)
    remembered = [k for k in memo if isinstance(k, tuple) and k[:1] == ("hj212-shape",)]
    assert len(remembered) == 2
    third = decoded(world, record(time=T0 + timedelta(minutes=9), flag="D"), lazy=True)
    assert validate(third).rows  # still validated; its plan is built each time, not kept
