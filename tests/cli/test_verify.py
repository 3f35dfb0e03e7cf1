"""``tanji verify``: offline checks printed one per line, JSON output, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tanji.cli.main import main
from tanji.trust.bundle_document import encode_bundle, write_bundle_zip
from tests.trust import factories


@pytest.fixture
def scenario() -> factories.Scenario:
    return factories.scenario(records=3)


def test_prints_each_check_and_a_partial_verdict_without_a_figure_hook(
    tmp_path: Path, scenario: factories.Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bundle.zip"
    path.write_bytes(write_bundle_zip(factories.bundle(scenario)))
    status = main(["verify", str(path), "--log-key", scenario.log_vkey])
    out = capsys.readouterr().out
    assert status == 3
    assert out.count("PASS  record.inclusion") == 3
    assert "SKIP  figure.recomputed" in out
    assert out.strip().endswith("verdict: partially verified")


def test_fully_verified_bundle_exits_zero(
    tmp_path: Path, scenario: factories.Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(encode_bundle(factories.bundle(scenario, figure=False)))
    pins = ["--log-key", scenario.log_vkey, "--witness-key", scenario.witness_vkey]
    assert main(["verify", str(path), *pins]) == 0
    assert "verdict: verified" in capsys.readouterr().out
    assert main(["verify", str(path), "--log-key", scenario.log_vkey]) == 3  # witness unpinned


def test_json_output_and_failure_status(
    tmp_path: Path, scenario: factories.Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = factories.bundle(scenario, figure=False)
    path = tmp_path / "bundle.json"
    path.write_bytes(encode_bundle(bundle).replace(b'"leaf_index": 1', b'"leaf_index": 2'))
    status = main(["verify", str(path), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert status == 1
    assert result["verdict"] == "failed"
    failed = [c for c in result["checks"] if c["status"] == "fail"]
    assert [(c["name"], c["subject"]) for c in failed] == [("record.inclusion", "record r1")]


def test_unreadable_bundle_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bundle.json"
    path.write_text("{}")
    assert main(["verify", str(path), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "trust.bundle_malformed"
    assert main(["verify", str(tmp_path / "absent.json")]) == 2
    assert "error:" in capsys.readouterr().out


def test_bad_pinned_key_is_an_input_error(
    tmp_path: Path, scenario: factories.Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(encode_bundle(factories.bundle(scenario)))
    assert main(["verify", str(path), "--witness-key", "not-a-key"]) == 2
    assert "verifier key" in capsys.readouterr().out


def test_pinned_witness_replaces_the_bundles_own_list(
    tmp_path: Path, scenario: factories.Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(encode_bundle(factories.bundle(scenario, figure=False)))
    status = main(
        [
            "verify",
            str(path),
            "--log-key",
            scenario.log_vkey,
            "--witness-key",
            scenario.witness_vkey,
        ]
    )
    assert status == 0
    assert "PASS  checkpoint.cosignature" in capsys.readouterr().out
