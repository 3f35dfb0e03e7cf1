"""HJ 212 uploads through the pipeline: accepted unsigned, refusals quarantined by reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from tanji.evidence.models import QuarantineEntry, RawEnvelope
from tanji.ingest.hj212 import find_logger, ingest_upload
from tanji.protocols.hj212 import (
    CHINA_STANDARD_TIME,
    DataRecord,
    FactorData,
    Flags,
    ProtocolVersion,
    build_frame,
    data_message,
)
from tanji.timeseries.models import Sample
from tests.evidence.factories import HJ212_PASSWORD, World, make_device, make_world
from tests.ingest.cases import RECEIVED

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 6, 10, 16, 0, tzinfo=CHINA_STANDARD_TIME)


def send(
    world: World,
    *,
    mn: str = "",
    password: str = HJ212_PASSWORD,
    code: str = "a21026",
    value: str = "35.5",
    flag: str = "N",
    time: datetime = T0,
) -> object:
    record = DataRecord(time, (FactorData(code, {"Avg": Decimal(value)}, flag),))
    mn = mn or world.logger.device_id
    message = data_message(
        record,
        cn=2051,
        qn="20250610160059123",
        mn=mn,
        pw=password,
        flags=Flags(ProtocolVersion(1), ack=True),
    )
    return ingest_upload(mn, password, record, (build_frame(message),), RECEIVED)


def test_upload_is_stored_unsigned_with_its_frames() -> None:
    world = make_world()
    outcome = send(world)
    assert outcome.status == "accepted"  # type: ignore[attr-defined]
    envelope = RawEnvelope.objects.get()
    assert (envelope.trust_level, envelope.channel, envelope.seq) == ("unsigned", "hj212", None)
    assert bytes(envelope.body).startswith(b"##")
    assert list(Sample.objects.values_list("tag_id", "value")) == [(world.cems.pk, 35.5)]
    assert send(world).status == "duplicate"  # type: ignore[attr-defined]


def test_registry_finds_loggers_only() -> None:
    world = make_world()
    found = find_logger(world.logger.device_id)
    assert found is not None
    assert found.verify_password(HJ212_PASSWORD)
    assert not found.verify_password("654321")
    assert find_logger(world.terminal.device_id) is None


CASES = {
    "unknown_mn": ({"mn": "99999999999999"}, "ingest.unknown_device"),
    "wrong_password": ({"password": "654321"}, "ingest.bad_password"),
    "unknown_factor": ({"code": "a21002"}, "ingest.unknown_tag"),
    "bad_flag": ({"flag": "X"}, "ingest.hj212_flag"),
    "out_of_range": ({"value": "9999"}, "ingest.out_of_range"),
    "future": ({"time": T0 + timedelta(days=3650)}, "ingest.future_time"),
    "before_enrolment": (
        {"time": datetime(2024, 6, 1, tzinfo=CHINA_STANDARD_TIME)},
        "ingest.before_enrolment",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_refused_uploads_are_quarantined(name: str) -> None:
    world = make_world()
    changes, reason = CASES[name]
    outcome = send(world, **changes)  # type: ignore[arg-type]
    assert outcome.status == "refused"  # type: ignore[attr-defined]
    entry = QuarantineEntry.objects.get()
    assert (entry.reason, entry.channel) == (reason, "hj212")
    assert (RawEnvelope.objects.count(), Sample.objects.count()) == (0, 0)


def test_terminal_mn_is_not_an_hj212_logger() -> None:
    world = make_world()
    terminal = make_device(world.enterprise, "T42010000000001")
    outcome = send(world, mn=terminal.device_id)
    assert outcome.error.code == "ingest.wrong_device_kind"  # type: ignore[attr-defined]
