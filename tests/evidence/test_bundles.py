"""Export a bundle with a figure, write it to a file, and verify it offline with ``tanji verify``.

Signed batches go through the real ingest pipeline; the figure is the coal burnt in the
kiln-head scale's readings (``fuel_combustion`` with the factor library's bituminous-coal
defaults); ``tanji verify`` recomputes it. Editing a reading breaks its signature; editing the
claimed value breaks the recomputation.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tanji.accounting.errors import AccountingError
from tanji.cli.main import main
from tanji.evidence.bundles import export_bundle
from tanji.evidence.figures import FigureSpec, coal_combustion
from tanji.evidence.models import SignedCheckpoint
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import ingest
from tanji.tenancy.actor import Actor
from tanji.trust.bundle_document import encode_bundle
from tanji.trust.checkpoint import cosigner, log_verifier
from tanji.trust.entries import LogEntry, decode_log_entry, encode_log_entry
from tanji.trust.keys import PrivateKey, generate_private_key
from tanji.trust.note import verifier_key
from tests.evidence.factories import World, make_world
from tests.ingest.cases import RECEIVED

pytestmark = pytest.mark.django_db
ORIGIN = "tanji.example/log"
WITNESS = "province.example/witness"
WINDOW = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC))
#: The provincial witness (its own key, never the platform's).
WITNESS_KEY = generate_private_key()
WITNESS_VKEY = verifier_key(cosigner(WITNESS, WITNESS_KEY.public_key()))
# Three batches of World.batch: 12, 13, 14 t/h each, one reading a minute → 117 t/h·min
# = 1.95 t of coal. GB/T 32151.8 fuel combustion: FC × NCV × CC × OF × 44/12 with the
# 2015-table bituminous coal defaults 19.57 GJ/t, 0.02618 tC/GJ, 0.98 (worked by hand).
EXPECTED_CO2_T = 1.95 * 19.57 * 0.02618 * 0.98 * 44 / 12


def coal_figure(world: World) -> FigureSpec:
    return coal_combustion(world.coal.code, seconds=60)


def exported(platform: PrivateKey, tmp_path: Path) -> tuple[dict[str, Any], Path, str]:
    world = make_world()
    for seq in (1, 2, 3):
        submission = Submission(
            world.envelope(world.batch(seq)), "https", RECEIVED, device_id=world.terminal.device_id
        )
        assert ingest(submission, key=platform).status == "accepted"
    bundle = export_bundle(
        Actor.system(), world.enterprise.pk, *WINDOW, key=platform, origin=ORIGIN,
        figure=coal_figure(world), witness=(WITNESS_KEY, WITNESS),
    )  # fmt: skip
    log = log_verifier(ORIGIN, platform.public_key())
    path = tmp_path / "bundle.json"
    path.write_bytes(encode_bundle(bundle))
    return json.loads(path.read_bytes()), path, verifier_key(log)


def test_exported_figure_is_recomputed_offline(
    platform: PrivateKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, path, vkey = exported(platform, tmp_path)
    assert float(document["figure"]["claimed"]["value"]) == pytest.approx(EXPECTED_CO2_T, 1e-12)
    assert document["factor_library"]["version"] == "2026.1"
    assert main(["verify", str(path), "--log-key", vkey, "--witness-key", WITNESS_VKEY]) == 0
    out = capsys.readouterr().out
    assert "PASS  figure.recomputed" in out
    assert "consumption_t=1.95 (total of 9 readings" in out
    assert "relative tolerance 1e-09" in out
    assert out.strip().endswith("verdict: verified")
    assert main(["verify", str(path), "--log-key", vkey, "--no-recompute"]) == 3


def test_edited_reading_fails_its_signature(
    platform: PrivateKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, path, vkey = exported(platform, tmp_path)
    record = document["records"][0]
    entry = decode_log_entry(base64.b64decode(record["entry"]))
    envelope = json.loads(entry.envelope)
    payload = base64.b64decode(envelope["payload"]).replace(b'"v":12.0', b'"v":2.0')
    envelope["payload"] = base64.b64encode(payload).decode()
    edited = LogEntry(json.dumps(envelope).encode(), entry.received_at)
    record["entry"] = base64.b64encode(encode_log_entry(edited)).decode()
    path.write_text(json.dumps(document))
    capsys.readouterr()
    assert main(["verify", str(path), "--log-key", vkey, "--json"]) == 1
    checks = json.loads(capsys.readouterr().out)["checks"]
    failed = {(c["name"], c["subject"]) for c in checks if c["status"] == "fail"}
    assert ("record.signature", f"record {record['id']}") in failed
    assert ("figure.inputs", "fuel_combustion") in failed
    assert not any(c["name"] == "figure.recomputed" for c in checks)


def test_edited_claim_fails_the_recomputation(
    platform: PrivateKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, path, vkey = exported(platform, tmp_path)
    document["figure"]["claimed"]["value"] = "6.5"
    path.write_text(json.dumps(document))
    capsys.readouterr()
    assert main(["verify", str(path), "--log-key", vkey, "--json"]) == 1
    checks = json.loads(capsys.readouterr().out)["checks"]
    failed = [c for c in checks if c["status"] == "fail"]
    assert [c["name"] for c in failed] == ["figure.recomputed"]
    assert "≠ claimed 6.5" in failed[0]["detail"]


def test_other_factor_library_is_refused_with_a_clear_message(
    platform: PrivateKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, path, vkey = exported(platform, tmp_path)
    document["factor_library"]["version"] = "2024.9"
    path.write_text(json.dumps(document))
    capsys.readouterr()
    assert main(["verify", str(path), "--log-key", vkey]) == 3
    out = capsys.readouterr().out
    assert "SKIP  figure.recomputed" in out
    assert "factor library 2024.9" in out
    assert "ships 2026.1" in out


def test_figure_over_a_tag_without_readings_is_refused_at_export(platform: PrivateKey) -> None:
    world = make_world()
    spec = FigureSpec(
        "fuel_combustion", {**coal_figure(world).inputs, "consumption_t": "sum(X, t)"}
    )
    checkpoints = SignedCheckpoint.objects.count()
    with pytest.raises(AccountingError) as caught:
        export_bundle(
            Actor.system(), world.enterprise.pk, *WINDOW, key=platform, origin=ORIGIN, figure=spec
        )
    assert caught.value.code == "figure.no_readings"
    assert SignedCheckpoint.objects.count() == checkpoints  # refused before the checkpoint
