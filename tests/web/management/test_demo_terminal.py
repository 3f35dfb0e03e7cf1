"""Demo data to a bundle that verifies: the demo terminal signs, export, ``tanji verify`` exit 0.

The demo line's history is simulated into the store; ``demo_terminal`` signs the meters the
electricity figure reads and delivers them through the intake, ``export_bundle`` writes the
bundle with the witness's cosignature and prints the verify command with both keys to pin.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tanji.cli.main import main
from tanji.evidence import signing
from tanji.evidence.models import RawEnvelope
from tanji.trust.keys import generate_private_key
from tests.emissions.factories import SimulatedLine, feed, simulated_line

pytestmark = pytest.mark.django_db
START = datetime(2025, 6, 2, tzinfo=UTC)


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


def test_a_figure_needs_a_line_of_the_enterprise(demo: SimulatedLine, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--figure needs --line"):
        call_command(
            "export_bundle", "--enterprise", str(demo.enterprise_id), "--from", "2025-06-02",
            "--to", "2025-06-03", "--figure", "process", "-o", str(tmp_path / "b.zip"),
        )  # fmt: skip
