"""Process and electricity figures of a line and a month: exported, verified, tampered with.

The process figure reads the clinker and raw-meal totalisers (signed batches), the clinker and
raw-meal lab results (unsigned lab records) and one library default; the electricity figure
reads the line's energy meter and the grid factor. Expected values come from the worked
examples (reference cases P05, P06, P08), not from the code under test.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tanji.cli.main import main
from tanji.evidence.bundles import export_bundle
from tanji.evidence.figure_specs import electricity_emissions, process_emissions
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import ingest
from tanji.plant import lab
from tanji.plant.models import ProductionLine
from tanji.protocols.readings import Reading
from tanji.tenancy.actor import Actor
from tanji.trust.bundle_document import encode_bundle
from tanji.trust.checkpoint import log_verifier
from tanji.trust.entries import decode_log_entry, encode_log_entry
from tanji.trust.keys import PrivateKey
from tanji.trust.note import verifier_key
from tests.evidence.factories import World, make_world
from tests.evidence.test_bundles import (
    ORIGIN,
    WITNESS,
    WITNESS_KEY,
    WITNESS_VKEY,
)
from tests.ingest.cases import RECEIVED
from tests.plant.factories import TagFactory
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db
CASES = Path(__file__).parents[1] / "accounting" / "data" / "reference-cases.json"
JUNE = (datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC))
WINDOW = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC))


def case(case_id: str) -> dict[str, Any]:
    return next(c for c in json.loads(CASES.read_text())["cases"] if c["id"] == case_id)


def _counter(world: World, line: ProductionLine, suffix: str, unit: str) -> str:
    kind = {"t": "mass", "kWh": "energy"}[unit]
    tag = TagFactory(
        source=world.coal.source, code=f"{line.code}-{suffix}", unit=unit, quantity_kind=kind,
        aggregation="total_increasing", resolution=0.001, range_max=1e9,
    )  # fmt: skip
    return str(tag.code)


def line_month(
    platform: PrivateKey,
    lab_role: str | None = None,
    enter: Callable[[World, ProductionLine, Actor], None] | None = None,
) -> tuple[World, ProductionLine]:
    """Counters over June (150 000 t clinker, 232 500 t raw meal, 14 000 MWh) and lab results.

    The lab results are entered by the platform itself, or by a user holding ``lab_role``
    (through ``enter`` instead of the lab service when given).
    """
    world = make_world()
    line = world.coal.source.line
    steps = {
        _counter(world, line, "CLINKER-TOT", "t"): (1_000_000.0, 1_150_000.0),
        _counter(world, line, "RAWMEAL-TOT", "t"): (2_000_000.0, 2_232_500.0),
        _counter(world, line, "EL-LINE-TOT", "kWh"): (5_000_000.0, 19_000_000.0),
    }
    for seq, day in ((1, 2), (2, 9)):
        at = datetime(2025, 6, day, tzinfo=UTC)
        readings = [Reading(tag, at, v[seq - 1], u) for tag, v, u in _units(steps)]
        body = world.envelope(world.batch(seq, readings))
        submission = Submission(body, "https", RECEIVED, device_id=world.terminal.device_id)
        assert ingest(submission, key=platform).status == "accepted"
    actor = Actor.for_user(member(lab_role, world.enterprise)) if lab_role else Actor.system()
    (enter or _lab)(world, line, actor)
    return world, line


def _units(steps: dict[str, tuple[float, float]]) -> list[tuple[str, tuple[float, float], str]]:
    return [(t, v, "kWh" if "EL-" in t else "t") for t, v in steps.items()]


#: (sample id, material, day of June, [(parameter, value %)]) of :func:`line_month`'s lab.
LAB_SAMPLES = [
    ("CK-1", "clinker", 3, [("cao", 65.4), ("non_carbonate_cao", 1.2), ("mgo", 2.2)]),
    ("CK-2", "clinker", 6, [("cao", 65.6), ("non_carbonate_cao", 1.2), ("mgo", 2.2)]),
    ("RM-1", "raw_meal", 4, [("toc", 0.1)]),
]


def _lab(world: World, line: ProductionLine, actor: Actor) -> None:
    """Clinker CaO 65.4/65.6 % (mean 65.5), non-carbonate CaO 1.2 %, MgO 2.2 %; TOC 0.1 %."""
    for sample_id, material, day, results in LAB_SAMPLES:
        lab.record_lab_analysis(
            actor, enterprise_id=world.enterprise.pk, line_id=line.pk, sample_id=sample_id,
            material=material, sampled_at=datetime(2025, 6, day, 8, tzinfo=UTC),
            analysed_at=datetime(2025, 6, day, 14, tzinfo=UTC), method_standard="GB/T 176-2017",
            results=[lab.ResultInput(p, v, "%", 0.1) for p, v in results],
        )  # fmt: skip


def write(platform: PrivateKey, spec_of: str, tmp_path: Path) -> tuple[dict[str, Any], Path, str]:
    world, line = line_month(platform)
    if spec_of == "process":
        spec = process_emissions(line.code, line.pk, JUNE)
    else:
        spec = electricity_emissions(line.code, JUNE)
    bundle = export_bundle(
        Actor.system(), world.enterprise.pk, *WINDOW, key=platform, origin=ORIGIN, figure=spec,
        witness=(WITNESS_KEY, WITNESS),
    )  # fmt: skip
    log = log_verifier(ORIGIN, platform.public_key())
    path = tmp_path / "bundle.json"
    path.write_bytes(encode_bundle(bundle))
    return json.loads(path.read_bytes()), path, verifier_key(log)


def verify(path: Path, vkey: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    capsys.readouterr()
    status = main(["verify", str(path), "--log-key", vkey, "--witness-key", WITNESS_VKEY, "--json"])
    return status, json.loads(capsys.readouterr().out)["checks"]


def by_name(checks: list[dict[str, str]], name: str) -> list[dict[str, str]]:
    return [c for c in checks if c["name"] == name]


def test_process_figure_matches_the_worked_examples(
    platform: PrivateKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    document, path, vkey = write(platform, "process", tmp_path)
    p05, p06 = case("P05"), case("P06")
    expected = (
        p05["expected"]["emission_factor_tco2_per_t"] * p05["inputs"]["clinker_t"]
        + p06["expected"]["co2_t"]
    )
    assert float(document["figure"]["claimed"]["value"]) == pytest.approx(expected, rel=1e-6)
    assert [r["kind"] for r in document["records"]].count("lab") == 3
    [factor] = document["factors"]
    assert (factor["id"], factor["unit"]) == ("clinker.mgo_noncarbonate_fraction", "fraction")
    assert factor["source"]
    assert factor["clause"]
    status, checks = verify(path, vkey, capsys)
    assert status == 3  # lab results are unsigned: the figure's trust level is lower
    assert by_name(checks, "figure.recomputed")[0]["status"] == "pass"
    assert by_name(checks, "factor.entry")[0]["status"] == "pass"
    assert by_name(checks, "figure.trust")[0]["detail"].startswith("unsigned_source: 3 of")
    assert {c["status"] for c in checks} == {"pass", "skip"}
    assert {c["name"] for c in checks if c["status"] == "skip"} == {"record.source", "figure.trust"}


def test_electricity_figure_verifies_fully(
    platform: PrivateKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    document, path, vkey = write(platform, "electricity", tmp_path)
    p08 = case("P08")
    grid = p08["inputs"]["grid_factor_tco2_per_mwh"]
    assert document["factors"][0]["value"] == repr(grid)  # the 2023 national average
    assert float(document["figure"]["claimed"]["value"]) == pytest.approx(14000 * grid, rel=1e-9)
    status, checks = verify(path, vkey, capsys)
    assert status == 0, [c for c in checks if c["status"] != "pass"]
    assert by_name(checks, "figure.trust")[0]["detail"].startswith("signed_source")


def _edit_factor(document: dict[str, Any]) -> None:
    document["factors"][0]["value"] = "0.0"


def _edit_lab_record(document: dict[str, Any]) -> None:
    record = next(r for r in document["records"] if r["kind"] == "lab")
    entry = decode_log_entry(base64.b64decode(record["entry"]))
    edited = entry.envelope.replace(b'"value":65.4', b'"value":60.4')
    assert edited != entry.envelope
    new = encode_log_entry(type(entry)(edited, entry.received_at))
    record["entry"] = base64.b64encode(new).decode()


def _drop_proof(document: dict[str, Any]) -> None:
    next(r for r in document["records"] if r["kind"] == "lab")["inclusion_proof"] = []


@pytest.mark.parametrize(
    ("tamper", "failing"),
    [
        (_edit_factor, {"factor.entry"}),
        (_edit_lab_record, {"record.inclusion", "figure.inputs"}),
        (_drop_proof, {"record.inclusion", "figure.inputs"}),
    ],
)
def test_tampered_process_bundle_fails(
    platform: PrivateKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Any,
    failing: set[str],
) -> None:
    document, path, vkey = write(platform, "process", tmp_path)
    tamper(document)
    path.write_text(json.dumps(document))
    status, checks = verify(path, vkey, capsys)
    assert status == 1
    assert {c["name"] for c in checks if c["status"] == "fail"} == failing


def test_electricity_reads_the_line_meter_else_its_sub_meters() -> None:
    from tanji.evidence.figure_specs import electricity_meters

    assert electricity_meters("L2", {"L2-EL-LINE-TOT", "L2-EL-KILN"}) == ("EL-LINE-TOT",)
    assert electricity_meters("L2", {"L2-EL-KILN", "L2-EL-AUX", "L1-EL-LINE-TOT"}) == (
        "EL-KILN",
        "EL-AUX",
    )
    spec = electricity_emissions("L2", JUNE, meters=("EL-KILN", "EL-AUX"))
    assert spec.inputs["purchased_mwh"] == "counter(L2-EL-KILN+L2-EL-AUX, MWh)"
