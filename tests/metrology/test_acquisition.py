"""Terminal acquisition: assigning instruments to terminals and the signed configuration."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.utils import translation

from tanji.errors import CodedError
from tanji.evidence.models import Device
from tanji.ingest.terminals import signed_config
from tanji.metrology import acquisition
from tanji.metrology.acquisition import assign_instrument, unassign_instrument
from tanji.tenancy.actor import AccessDenied, Actor
from tanji.tenancy.models import AuditEntry
from tanji.terminal.control import ControlError, ControlStore, accept_config
from tanji.trust.dsse import decode_envelope
from tanji.trust.keys import generate_private_key
from tanji.web.error_messages import MESSAGES, translate
from tests.evidence.factories import ENROLLED, make_device
from tests.metrology.factories import InstrumentFactory
from tests.plant.factories import SourceFactory, TagFactory
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db

SCALE = {"address": 0, "data_type": "float64", "word_order": "little"}


@pytest.fixture
def ledger():
    source = SourceFactory()
    rate = TagFactory(source=source, code="L1-COAL-RATE", unit="t/h")
    total = TagFactory(
        source=source,
        code="L1-COAL-TOT",
        unit="t",
        quantity_kind="mass",
        aggregation="total_increasing",
        rollover_max=1e9,
        range_max=1e9,
    )
    instrument = InstrumentFactory(enterprise=source.enterprise, code="L1-FS-CA")
    instrument.tags.add(rate, total)
    device = make_device(source.enterprise, "T-ACQ-1")
    staff = Actor.for_user(member("metering_staff", source.enterprise))
    return instrument, device, staff


def _assign(actor, instrument, **overrides):
    arguments = {
        "device_id": "T-ACQ-1",
        "instrument_id": instrument.pk,
        "driver": "modbus_tcp",
        "connection": {"host": "10.0.0.5", "port": 502, "unit_id": 3},
        "points": {"L1-COAL-RATE": {"address": 4, "scale": 0.01, "data_type": "int32"}}
        | {"L1-COAL-TOT": SCALE},
        "scan_s": 5,
    }
    return assign_instrument(actor, **(arguments | overrides))


def _document(device: Device, key) -> dict:
    return json.loads(decode_envelope(signed_config(device, key)).payload)


def test_the_signed_configuration_lists_the_register_map_from_the_ledger(ledger) -> None:
    instrument, device, staff = ledger
    _assign(staff, instrument)
    document = _document(device, generate_private_key())
    assert document["version"] == 2  # raised by the assignment
    (entry,) = document["instruments"]
    assert entry["name"] == "L1-FS-CA"
    assert entry["driver"] == "modbus_tcp"
    settings = entry["settings"]
    assert (settings["host"], settings["port"], settings["unit_id"]) == ("10.0.0.5", 502, 3)
    rate, total = settings["points"]
    assert rate == {
        "tag": "L1-COAL-RATE",
        "unit": "t/h",
        "kind": "rate",
        "scan_s": 5,
        "address": 4,
        "scale": 0.01,
        "data_type": "int32",
    }
    assert (total["tag"], total["unit"], total["kind"]) == ("L1-COAL-TOT", "t", "counter")
    assert AuditEntry.objects.filter(action="assign", object_type="metrology.acquisition").exists()


def test_a_terminal_applies_the_configuration_and_refuses_an_older_one(ledger, tmp_path) -> None:
    instrument, device, staff = ledger
    key = generate_private_key()
    keys = {key.public_key().key_id: key.public_key()}
    first = signed_config(device, key)
    _assign(staff, instrument)
    newer = signed_config(device, key)
    store = ControlStore(tmp_path)
    config = accept_config(newer, "T-ACQ-1", keys, store)
    (applied,) = config.instruments
    assert applied.driver == "modbus_tcp"
    assert len(applied.settings["points"]) == 2
    with pytest.raises(ControlError) as refused:
        accept_config(first, "T-ACQ-1", keys, store)
    assert refused.value.code == "control.replayed_config"


def test_lims_and_hj212_entries_name_columns_and_factors(ledger) -> None:
    instrument, device, staff = ledger
    folders = {"inbox": "/lab/in", "processed": "/lab/done", "rejected": "/lab/bad"}
    _assign(
        staff,
        instrument,
        driver="lims_csv",
        connection=folders | {"time_column": "sampled"},
        points={"L1-COAL-RATE": {"column": "rate"}},
    )
    (entry,) = _document(device, generate_private_key())["instruments"]
    assert entry["settings"]["columns"] == [
        {"column": "rate", "tag": "L1-COAL-RATE", "unit": "t/h"}
    ]
    _assign(
        staff,
        instrument,
        driver="hj212_das",
        connection={"port": 9212, "mn": ["4201"]},
        points={"L1-COAL-RATE": {"factor": "a99001-Avg", "unit": "kg/h"}},
    )
    document = _document(device, generate_private_key())
    assert document["version"] == 3
    factors = document["instruments"][0]["settings"]["factors"]
    assert factors == {"a99001-Avg": {"tag": "L1-COAL-RATE", "unit": "kg/h"}}  # as reported


DAS = {"driver": "hj212_das", "connection": {"port": 9212, "mn": ["4201"]}}
CO2 = {"factor": "a05001-Avg", "unit": "mg/m3"}
BAD_ASSIGNMENTS = [
    ({"driver": "opc_ua"}, "metrology.acquisition.driver"),
    ({"connection": {"port": 502}}, "metrology.acquisition.connection"),
    ({"points": {}}, "metrology.acquisition.shape"),
    ({"points": {"OTHER": {"address": 1}}}, "metrology.acquisition.tag"),
    ({"points": {"L1-COAL-RATE": 4}}, "metrology.acquisition.point"),
    ({"points": {"L1-COAL-RATE": {"address": 70000}}}, "metrology.acquisition.register"),
    ({"points": {"L1-COAL-RATE": {"adress": 1}}}, "metrology.acquisition.points"),
    ({"scan_s": 0}, "metrology.acquisition.scan_s"),
    ({"device_id": "T-OTHER"}, "tenancy.not_found"),
    ({"device_id": "4201LOGGER"}, "metrology.acquisition.device"),
    (DAS | {"points": {"L1-COAL-RATE": {"factor": "SO2"}}}, "metrology.acquisition.factor"),
    (
        DAS | {"points": {"L1-COAL-RATE": CO2, "L1-COAL-TOT": CO2}},
        "metrology.acquisition.factor_twice",
    ),
    (DAS | {"points": {"L1-COAL-RATE": CO2 | {"scale": 0}}}, "metrology.acquisition.scale"),
    (
        DAS | {"connection": {"data_commands": [2051, 9014]}, "points": {"L1-COAL-RATE": CO2}},
        "metrology.acquisition.data_commands",
    ),
    (
        DAS | {"connection": {"mn": "4201"}, "points": {"L1-COAL-RATE": CO2}},
        "metrology.acquisition.mn",
    ),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_ASSIGNMENTS)
def test_bad_assignments_are_refused_with_the_field(ledger, overrides, code) -> None:
    instrument, device, staff = ledger
    make_device(SourceFactory().enterprise, "T-OTHER")
    Device.objects.create(
        enterprise=device.enterprise, device_id="4201LOGGER", kind="hj212", enrolled_at=ENROLLED
    )
    with pytest.raises(CodedError) as refused:
        _assign(staff, instrument, **overrides)
    assert refused.value.code == code
    assert Device.objects.get(device_id="T-ACQ-1").config_version == 1
    with translation.override("zh-hans"):
        chinese = translate(refused.value)
    with translation.override("en"):
        english = translate(refused.value)
    assert "{" not in chinese + english  # every parameter the message names was given
    assert re.search("[\u4e00-\u9fff]", chinese), chinese
    assert chinese != english


def test_every_acquisition_code_is_exercised_and_translated() -> None:
    raised = set(re.findall(r'_bad\(\s*"(\w+)"', Path(acquisition.__file__).read_text("utf-8")))
    codes = {f"metrology.acquisition.{name}" for name in raised}
    assert codes <= set(MESSAGES)
    exercised = {code for _overrides, code in BAD_ASSIGNMENTS} | {
        "metrology.acquisition.instrument",
        "metrology.acquisition.shared_upload",
    }
    assert codes <= exercised


def test_unassigning_what_the_terminal_does_not_read_is_refused_in_chinese(ledger) -> None:
    instrument, _device, staff = ledger
    with pytest.raises(CodedError) as refused:
        unassign_instrument(staff, instrument.pk)
    assert refused.value.code == "metrology.acquisition.instrument"
    with translation.override("zh-hans"):
        assert translate(refused.value) == "计量器具 L1-FS-CA 未由 任何采集终端 采集。"


def test_hj212_factors_carry_scale_and_data_commands(ledger) -> None:
    instrument, device, staff = ledger
    connection = {"port": 9212, "mn": ["4201"], "data_commands": [2051]}
    points = {"L1-COAL-RATE": CO2 | {"scale": 0.5}, "L1-COAL-TOT": {"factor": "a00000-Cou"}}
    _assign(staff, instrument, driver="hj212_das", connection=connection, points=points)
    (entry,) = _document(device, generate_private_key())["instruments"]
    assert entry["settings"]["data_commands"] == [2051]
    assert entry["settings"]["factors"] == {
        "a05001-Avg": {"tag": "L1-COAL-RATE", "unit": "mg/m3", "scale": 0.5},
        "a00000-Cou": {"tag": "L1-COAL-TOT", "unit": "t"},
    }


def test_unassign_raises_the_version_and_readers_may_not_assign(ledger) -> None:
    instrument, device, staff = ledger
    _assign(staff, instrument)
    unassign_instrument(staff, instrument.pk)
    assert _document(device, generate_private_key())["instruments"] == []
    assert Device.objects.get(pk=device.pk).config_version == 3
    reader = Actor.for_user(member("viewer", instrument.enterprise))
    with pytest.raises(AccessDenied):
        _assign(reader, instrument)


def test_the_management_command_assigns_and_reports_bad_settings(ledger) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    _instrument, device, _staff = ledger
    out = StringIO()
    arguments = ["T-ACQ-1", "L1-FS-CA", "--enterprise", str(device.enterprise_id)]
    points = json.dumps({"L1-COAL-RATE": {"address": 2}})
    call_command(
        "assign_instrument",
        *arguments,
        "--driver",
        "modbus_tcp",
        "--points",
        points,
        "--connection",
        '{"host": "127.0.0.1"}',
        stdout=out,
    )
    assert out.getvalue().strip() == "T-ACQ-1 configuration version 2"
    with pytest.raises(CommandError, match=r"metrology\.acquisition\.connection"):
        call_command("assign_instrument", *arguments, "--driver", "modbus_tcp", "--points", points)


def _cems_on_the_same_terminal(instrument, staff, connection):
    """A second instrument of the enterprise whose factor a05001-Avg the terminal already reads."""
    tag = TagFactory(source=SourceFactory(enterprise=instrument.enterprise), code="L1-CEMS-CO2")
    cems = InstrumentFactory(enterprise=instrument.enterprise, code="L1-CEMS")
    cems.tags.add(tag)
    _assign(staff, cems, driver="hj212_das", connection=connection, points={"L1-CEMS-CO2": CO2})


OURS = {"port": 9212, "mn": ["4201"]}
SHARED_UPLOADS = [
    ({"port": 9212, "mn": ["4201"]}, OURS, "4201"),
    ({"port": 9212, "mn": ["4201", "4202"]}, {"mn": ["4202"]}, "4202"),  # default port 9212
    ({"port": 9212}, OURS, "4201"),  # the other takes every MN
    ({"port": 9212, "mn": ["4201"]}, {"port": 9212}, "4201"),  # ours takes every MN
    ({"port": 9212}, {"port": 9212}, "任何数采仪"),
    ({"port": 9212, "data_commands": [2051, 2061]}, OURS | {"data_commands": [2061]}, "4201"),
]


@pytest.mark.parametrize(("theirs", "ours", "mn"), SHARED_UPLOADS)
def test_two_instruments_may_not_take_one_factor_of_one_upload(ledger, theirs, ours, mn) -> None:
    instrument, device, staff = ledger
    _cems_on_the_same_terminal(instrument, staff, theirs)
    version = Device.objects.get(pk=device.pk).config_version
    with pytest.raises(CodedError) as refused:
        _assign(
            staff, instrument, driver="hj212_das", connection=ours, points={"L1-COAL-RATE": CO2}
        )
    assert refused.value.code == "metrology.acquisition.shared_upload"
    assert Device.objects.get(pk=device.pk).config_version == version
    with translation.override("zh-hans"):
        assert translate(refused.value) == (
            f"端口 9212 上的计量器具 L1-CEMS 已在采集来自 {mn} 的 HJ 212 因子 a05001-Avg；"
            "一个数值只能对应一个位号。"
        )


SEPARATE_UPLOADS = [
    ({"port": 9212, "mn": ["4201"]}, {"port": 9212, "mn": ["4202"]}, CO2),  # other logger
    ({"port": 9212, "mn": ["4201"]}, {"port": 9213, "mn": ["4201"]}, CO2),  # other listener
    ({"port": 9212, "mn": ["4201"]}, {"host": "10.0.0.9", "port": 9212}, CO2),
    ({"port": 9212, "data_commands": [2051]}, OURS | {"data_commands": [2061]}, CO2),
    ({"port": 9212}, OURS, {"factor": "a05002-Avg"}),  # other factor
]


@pytest.mark.parametrize(("theirs", "ours", "point"), SEPARATE_UPLOADS)
def test_instruments_sharing_a_listener_may_take_separate_values(
    ledger, theirs, ours, point
) -> None:
    instrument, device, staff = ledger
    _cems_on_the_same_terminal(instrument, staff, theirs)
    _assign(staff, instrument, driver="hj212_das", connection=ours, points={"L1-COAL-RATE": point})
    entries = _document(device, generate_private_key())["instruments"]
    assert [e["name"] for e in entries] == ["L1-CEMS", "L1-FS-CA"]
