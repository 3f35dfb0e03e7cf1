"""``tanji lab submit``: sign a lab record with one's own key and post it to a running platform."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tanji.cli.main import main
from tanji.evidence.models import RawEnvelope
from tanji.tenancy.actor import Actor
from tanji.tenancy.credentials import keys, services as credentials
from tests.ingest.signed import lab_document
from tests.plant.factories import SourceFactory
from tests.tenancy.factories import member


def _setup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[list[str], Any]:
    """A lab user with a key made by ``tanji keys new`` and registered, a record file, a token."""
    source = SourceFactory()
    user = member("lab_staff", source.enterprise)
    key_file = tmp_path / "me.pem"
    assert main(["keys", "new", "--out", str(key_file)]) == 0
    actor = Actor.for_user(user)
    keys.register_key(
        actor,
        enterprise_id=source.enterprise_id,
        public_key_pem=capsys.readouterr().out,
        label="laptop",
    )
    document = lab_document(user, source.enterprise_id, source.line_id)
    del document["nonce"], document["format"]  # the command fills both in
    record = tmp_path / "lab.json"
    record.write_text(json.dumps(document), encoding="utf-8")
    _token, secret = credentials.issue_token(actor, "cli")
    return [str(record), "--key", str(key_file), "--token", secret], user


@pytest.mark.django_db(transaction=True)
def test_submit_signs_posts_and_is_stored_as_user_signed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], live_server: Any
) -> None:
    args, _user = _setup(tmp_path, capsys)
    assert main(["lab", "submit", *args, "--url", live_server.url]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["trust_level"] == "user_signed"
    assert RawEnvelope.objects.get().log_index == answer["log_index"]
    # a fresh nonce each run: the resend is not a replay, the plant refuses the same sample id
    assert main(["lab", "submit", *args, "--url", live_server.url]) == 1
    assert json.loads(capsys.readouterr().err)["code"] == "plant.invalid_field"


@pytest.mark.django_db(transaction=True)
def test_a_refusal_prints_the_code_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], live_server: Any
) -> None:
    args, _user = _setup(tmp_path, capsys)
    args[-1] = "tj_not-a-token"
    assert main(["lab", "submit", *args, "--url", live_server.url]) == 1
    assert json.loads(capsys.readouterr().err)["detail"]  # not authenticated: no token, no session
    assert not RawEnvelope.objects.exists()


@pytest.mark.django_db
def test_a_bad_record_is_refused_before_sending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, _user = _setup(tmp_path, capsys)
    Path(args[0]).write_text(json.dumps({"sample_id": "x"}), encoding="utf-8")
    assert main(["lab", "submit", *args, "--url", "http://127.0.0.1:9"]) == 2
    assert "record.bad_members" in capsys.readouterr().err
