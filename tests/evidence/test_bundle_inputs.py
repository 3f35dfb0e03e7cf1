"""Bundles carry attested lab records and each counter's last reading before the period.

A process figure whose lab results were entered by a signed-in user verifies with exit 0 when
the platform and witness keys are pinned (ADR 0210); a counter that advanced across the period
start (or rolled over there) is recomputed offline exactly as claimed (ADR 0211).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tanji.evidence.attestation import Credential, submitting
from tanji.evidence.bundles import export_bundle
from tanji.evidence.figure_specs import electricity_emissions, process_emissions
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import ingest
from tanji.ingest.signed_lab import submit_signed_lab
from tanji.protocols.readings import Reading
from tanji.tenancy.actor import Actor
from tanji.tenancy.models import User
from tanji.trust.bundle_document import encode_bundle
from tanji.trust.checkpoint import log_verifier
from tanji.trust.keys import PrivateKey
from tanji.trust.note import verifier_key
from tests.evidence import test_figure_specs as specs
from tests.evidence.factories import World, make_world
from tests.evidence.test_bundles import ORIGIN, WITNESS, WITNESS_KEY
from tests.evidence.test_figure_specs import JUNE, by_name, verify
from tests.ingest.signed import lab_document, registered, signed

pytestmark = pytest.mark.django_db
CREDENTIAL = Credential("password+totp", "session:0123456789abcdef")


def _deliver(world: World, platform: PrivateKey, seq: int, at: datetime, values: dict) -> None:
    readings = [Reading(tag, at, v, "kWh" if "EL-" in tag else "t") for tag, v in values.items()]
    body = world.envelope(world.batch(seq, readings))
    received = at + timedelta(minutes=5)
    submission = Submission(body, "https", received, device_id=world.terminal.device_id)
    assert ingest(submission, key=platform).status == "accepted"


def _export(
    platform: PrivateKey,
    world: World,
    spec: Any,
    tmp_path: Path,
    start: datetime,
) -> tuple[dict[str, Any], Path, str]:
    bundle = export_bundle(
        Actor.system(), world.enterprise.pk, start, datetime(2099, 1, 1, tzinfo=UTC),
        key=platform, origin=ORIGIN, figure=spec, witness=(WITNESS_KEY, WITNESS),
    )  # fmt: skip
    path = tmp_path / "bundle.json"
    path.write_bytes(encode_bundle(bundle))
    vkey = verifier_key(log_verifier(ORIGIN, platform.public_key()))
    return json.loads(path.read_bytes()), path, vkey


def test_a_process_figure_from_attested_lab_entries_verifies_fully(
    platform: PrivateKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with submitting(CREDENTIAL):
        world, line = specs.line_month(platform, lab_role="lab_staff")
    spec = process_emissions(line.code, line.pk, JUNE)
    document, path, vkey = _export(platform, world, spec, tmp_path, specs.WINDOW[0])
    assert [r["kind"] for r in document["records"]].count("lab-attested") == 3
    status, checks = verify(path, vkey, capsys)
    assert status == 0, [c for c in checks if c["status"] != "pass"]
    attested = by_name(checks, "record.attestation")
    assert len(attested) == 3
    assert "for user " in attested[0]["detail"]
    assert "(lab_staff) by password+totp, session:0123456789abcdef" in attested[0]["detail"]
    assert by_name(checks, "figure.trust")[0]["detail"].startswith("session_attested: 3 of")


@pytest.mark.parametrize(
    ("before", "first", "last", "expected"),
    [
        (9_000.0, 9_400.0, 12_000.0, 3_000.0),  # advancing across the period start
        (999_990.0, 15.0, 2_015.0, 2_015.0),  # rolled over across the start: counts 15 + 2000
    ],
)
def test_a_counter_is_counted_from_its_last_reading_before_the_period(
    platform: PrivateKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    before: float,
    first: float,
    last: float,
    expected: float,
) -> None:
    world = make_world()
    line = world.coal.source.line
    tag = specs._counter(world, line, "EL-LINE-TOT", "kWh")
    may_31 = datetime(2025, 5, 31, 23, 0, tzinfo=UTC)
    _deliver(world, platform, 1, may_31 - timedelta(hours=1), {tag: before - 100.0})
    _deliver(world, platform, 2, may_31, {tag: before})
    _deliver(world, platform, 3, datetime(2025, 6, 1, 1, tzinfo=UTC), {tag: first})
    _deliver(world, platform, 4, datetime(2025, 6, 30, 23, tzinfo=UTC), {tag: last})
    spec = electricity_emissions(line.code, JUNE)
    document, path, vkey = _export(platform, world, spec, tmp_path, JUNE[0])
    batches = [r for r in document["records"] if r["kind"] == "batch"]
    assert len(batches) == 3  # the two June batches and the last one before June, not seq 1
    grid = float(document["factors"][0]["value"])
    claimed = float(document["figure"]["claimed"]["value"])
    assert claimed == pytest.approx(expected / 1000 * grid, rel=1e-12)
    status, checks = verify(path, vkey, capsys)
    assert status == 0, [c for c in checks if c["status"] != "pass"]
    assert "3 readings" in by_name(checks, "figure.recomputed")[0]["detail"]


def _enter_signed(world: World, line: Any, actor: Actor) -> None:
    """The lab results of :func:`specs.line_month`, each signed with the analyst's own key."""
    user = User.objects.get(pk=actor.user_id)
    key, _row = registered(user, world.enterprise.pk)
    for sample_id, material, day, results in specs.LAB_SAMPLES:
        document = lab_document(
            user, world.enterprise.pk, line.pk, sample_id=sample_id, material=material,
            sampled_at=f"2025-06-{day:02d}T08:00:00.000Z",
            analysed_at=f"2025-06-{day:02d}T14:00:00.000Z",
            results=[{"method_standard": "", "parameter": p, "u": 0.1, "unit": "%", "value": v}
                     for p, v in sorted(results)],
        )  # fmt: skip
        submit_signed_lab(user, signed(document, key))


def test_a_process_figure_from_user_signed_lab_records_verifies_as_signed(
    platform: PrivateKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, line = specs.line_month(platform, lab_role="lab_staff", enter=_enter_signed)
    spec = process_emissions(line.code, line.pk, JUNE)
    document, path, vkey = _export(platform, world, spec, tmp_path, specs.WINDOW[0])
    assert [r["kind"] for r in document["records"]].count("lab-signed") == 3
    assert any(k["owner"].startswith("user:") for k in document["keys"])
    status, checks = verify(path, vkey, capsys)
    assert status == 0, [c for c in checks if c["status"] != "pass"]
    assert by_name(checks, "figure.recomputed")[0]["status"] == "pass"
    owners = {c["detail"] for c in by_name(checks, "record.key_valid")}
    assert any("key of user:" in d for d in owners)
    trust = by_name(checks, "figure.trust")[0]["detail"]
    assert trust.startswith("signed_source:")
    assert "3 lab records signed by the persons who entered them" in trust
