"""Demo data to a bundle that verifies: the demo terminal signs, export, ``tanji verify`` exit 0.

The demo line's history is simulated into the store; ``demo_terminal`` signs the meters the
electricity figure reads and delivers them through the intake, ``export_bundle`` writes the
bundle with the witness's cosignature and prints the verify command with both keys to pin.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tanji.cli.main import main
from tanji.demo.lab_staff import lab_staff
from tanji.evidence import signing
from tanji.evidence.attestation import Credential, submitting
from tanji.evidence.models import RawEnvelope
from tanji.tenancy.actor import Actor
from tanji.trust.keys import generate_private_key
from tests.emissions.factories import SimulatedLine, feed, record_lab, simulated_line

pytestmark = pytest.mark.django_db
START = datetime(2025, 6, 2, tzinfo=UTC)
JUNE, JULY = datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[SimulatedLine]:
    monkeypatch.setenv("TANJI_DATA_DIR", str(tmp_path))
    for name in ("PLATFORM", "WITNESS"):
        pem = generate_private_key().to_pem().decode("ascii")
        monkeypatch.setenv(f"TANJI_{name}_KEY_PEM", pem)
    signing.platform_key.cache_clear()
    signing.witness_key.cache_clear()
    sim = simulated_line()
    feed(sim, START, START + timedelta(hours=3))
    yield sim
    signing.platform_key.cache_clear()
    signing.witness_key.cache_clear()


def test_a_bundle_of_the_demo_line_verifies_fully(
    demo: SimulatedLine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    period = ["--enterprise", str(demo.enterprise_id), "--from", "2025-06-02", "--to", "2025-06-03"]
    out = StringIO()
    call_command("demo_terminal", *period, "--line", "L1", stdout=out)
    assert out.getvalue().strip().endswith(": 1 signed batches delivered")
    assert (tmp_path / "keys" / f"DEMO-{demo.enterprise_id}-L1.pem").stat().st_mode & 0o077 == 0
    call_command("demo_terminal", *period, "--line", "L1", stdout=StringIO())  # next seq
    assert RawEnvelope.objects.filter(device__device_id__startswith="DEMO-").count() == 2
    bundle = tmp_path / "bundle.zip"
    out = StringIO()
    call_command(
        "export_bundle", *period, "--figure", "electricity", "--line", "L1", "-o", str(bundle),
        stdout=out,
    )  # fmt: skip
    summary, command = out.getvalue().strip().splitlines()
    assert "2 records" in summary
    assert " t CO2" in summary
    argv = shlex.split(command)
    assert argv[:3] == ["tanji", "verify", str(bundle)]
    assert "--witness-key" in argv
    capsys.readouterr()
    assert main(argv[1:]) == 0, capsys.readouterr().out


def test_a_process_bundle_of_attested_demo_lab_entries_verifies_fully(
    demo: SimulatedLine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lab user's entries are attested by the platform: with both keys pinned, exit 0.

    Non-carbonate CaO and raw-meal TOC are monthly composites, so the figure is June's.
    """
    lab_user = lab_staff(Actor.system(), demo.enterprise_id)  # as the demo builder enters them
    assert lab_user.user_id is not None
    with submitting(Credential("platform_command", "command:demo")):
        assert record_lab(demo, JUNE, JULY + timedelta(days=1), lab_user) > 0
    period = ["--enterprise", str(demo.enterprise_id), "--from", "2025-06-01", "--to", "2025-07-01"]
    call_command("demo_terminal", *period, "--line", "L1", stdout=StringIO())
    bundle = tmp_path / "process.zip"
    out = StringIO()
    call_command(
        "export_bundle", *period, "--figure", "process", "--line", "L1", "-o", str(bundle),
        stdout=out,
    )  # fmt: skip
    summary, labs, command = out.getvalue().strip().splitlines()
    assert " t CO2" in summary
    assert labs.startswith("lab records: ")
    assert labs.endswith(" attested")
    capsys.readouterr()
    assert main([*shlex.split(command)[1:], "--json"]) == 0, capsys.readouterr().out
    checks = json.loads(capsys.readouterr().out)["checks"]
    attested = [c for c in checks if c["name"] == "record.attestation"]
    assert attested
    assert {c["status"] for c in attested} == {"pass"}
    assert "by platform_command, command:demo" in attested[0]["detail"]


def test_unattested_lab_entries_are_counted_as_unsigned(
    demo: SimulatedLine, tmp_path: Path
) -> None:
    record_lab(demo, JUNE, JULY + timedelta(days=1))  # the platform itself: no user to attest
    period = ["--enterprise", str(demo.enterprise_id), "--from", "2025-06-01", "--to", "2025-07-01"]
    call_command("demo_terminal", *period, "--line", "L1", stdout=StringIO())
    out = StringIO()
    call_command(
        "export_bundle", *period, "--figure", "process", "--line", "L1",
        "-o", str(tmp_path / "b.zip"), stdout=out,
    )  # fmt: skip
    labs = out.getvalue().strip().splitlines()[1]
    assert labs.startswith("lab records: ")
    assert labs.endswith(" unsigned")


def test_a_figure_needs_a_line_of_the_enterprise(demo: SimulatedLine, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--figure needs --line"):
        call_command(
            "export_bundle", "--enterprise", str(demo.enterprise_id), "--from", "2025-06-02",
            "--to", "2025-06-03", "--figure", "process", "-o", str(tmp_path / "b.zip"),
        )  # fmt: skip
