"""The provincial witness cosigns checkpoints on demand and on a schedule, and refuses a fork."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from tanji.evidence import log, signing
from tanji.evidence.checkpoints import issue_checkpoint
from tanji.evidence.models import WitnessCosignature
from tanji.evidence.witness import cosign, witness_checkpoint, witness_verifier_key
from tanji.ingest.model import Submission
from tanji.ingest.pipeline import ingest
from tanji.tenancy.choices import RoleChoices
from tanji.trust.bundle import verdict, verify_bundle
from tanji.trust.bundle_document import decode_bundle
from tanji.trust.checkpoint import cosigner, log_verifier, verify_cosignatures
from tanji.trust.errors import TrustError
from tanji.trust.keys import PrivateKey, generate_private_key
from tanji.trust.note import parse_note, parse_verifier_key
from tests.evidence.factories import World, make_world
from tests.ingest.cases import RECEIVED
from tests.tenancy.factories import member

pytestmark = pytest.mark.django_db
ORIGIN = "tanji.example/log"
NAME = "province.example/witness"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[PrivateKey, PrivateKey]]:
    """Platform and witness keys, given through the environment as in production."""
    platform, witness = generate_private_key(), generate_private_key()
    monkeypatch.setenv("TANJI_PLATFORM_KEY_PEM", platform.to_pem().decode("ascii"))
    monkeypatch.setenv("TANJI_WITNESS_KEY_PEM", witness.to_pem().decode("ascii"))
    monkeypatch.setenv("TANJI_WITNESS_NAME", NAME)
    signing.platform_key.cache_clear()
    signing.witness_key.cache_clear()
    yield platform, witness
    signing.platform_key.cache_clear()
    signing.witness_key.cache_clear()


def _ingest(world: World, platform: PrivateKey, seq: int) -> None:
    body = world.envelope(world.batch(seq))
    submission = Submission(body, "https", RECEIVED, device_id=world.terminal.device_id)
    assert ingest(submission, key=platform).status == "accepted"


def _cosigned_by(note: str, witness: PrivateKey) -> int:
    [cosig] = verify_cosignatures(parse_note(note.encode()), [cosigner(NAME, witness.public_key())])
    return cosig.timestamp


def test_cosignatures_follow_the_growing_log(keys: tuple[PrivateKey, PrivateKey]) -> None:
    platform, witness = keys
    world = make_world()
    _ingest(world, platform, 1)
    first = witness_checkpoint(log_key=platform, origin=ORIGIN, witness=witness, name=NAME)
    assert _cosigned_by(first.note, witness) > 0
    again = witness_checkpoint(log_key=platform, origin=ORIGIN, witness=witness, name=NAME)
    assert again.pk == first.pk  # the same head is cosigned once
    _ingest(world, platform, 2)
    second = witness_checkpoint(log_key=platform, origin=ORIGIN, witness=witness, name=NAME)
    assert (first.size, second.size) == (1, 2)  # cosigned with a consistency proof from 1


def test_a_rewritten_log_is_not_cosigned(keys: tuple[PrivateKey, PrivateKey]) -> None:
    platform, witness = keys
    world = make_world()
    _ingest(world, platform, 1)
    _ingest(world, platform, 2)
    witness_checkpoint(log_key=platform, origin=ORIGIN, witness=witness, name=NAME)
    with connection.cursor() as cursor:  # the operator rewrites the history the witness saw
        cursor.execute("UPDATE evidence_lognode SET digest = %s WHERE level = 1", [b"\0" * 32])
    log._cache.tree = None  # a fresh process: nothing remembered of the honest tree
    _ingest(world, platform, 3)
    row = issue_checkpoint(platform, ORIGIN)
    with pytest.raises(TrustError):
        cosign(row, witness=witness, name=NAME, log_key=platform, origin=ORIGIN)
    assert not WitnessCosignature.objects.filter(checkpoint=row).exists()


def test_scheduled_job_cosigns_each_round(keys: tuple[PrivateKey, PrivateKey]) -> None:
    platform, witness = keys
    _ingest(make_world(), platform, 1)
    out = StringIO()
    call_command("witness", "--every", "0.01", "--rounds", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"witness key: {witness_verifier_key(witness, NAME)}"
    assert [line.split(" at ")[0] for line in lines[1:]] == ["cosigned size 1"] * 2


def test_without_a_witness_key_the_job_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANJI_WITNESS_KEY_FILE", "absent/witness.pem")
    signing.witness_key.cache_clear()
    with pytest.raises(CommandError, match="no witness key"):
        call_command("witness")
    signing.witness_key.cache_clear()


def test_exported_bundle_verifies_with_both_keys_pinned(
    client: Client, keys: tuple[PrivateKey, PrivateKey]
) -> None:
    platform, witness = keys
    world = make_world()
    _ingest(world, platform, 1)
    client.force_login(member(RoleChoices.REGULATOR, world.enterprise))
    answer = client.get(
        f"/api/v1/log/bundles?enterprise_id={world.enterprise.pk}"
        "&start=2020-01-01T00:00:00Z&end=2099-01-01T00:00:00Z"
    )
    bundle = decode_bundle(answer.content)
    assert bundle.witnesses == (witness_verifier_key(witness, NAME),)
    pins = {
        "trusted_logs": [log_verifier(ORIGIN, platform.public_key())],
        "trusted_witnesses": [parse_verifier_key(witness_verifier_key(witness, NAME))],
    }
    assert verdict(verify_bundle(bundle, **pins)) == "verified"  # type: ignore[arg-type]
    other = [parse_verifier_key(witness_verifier_key(generate_private_key(), NAME))]
    assert verdict(verify_bundle(bundle, **{**pins, "trusted_witnesses": other})) == "failed"  # type: ignore[arg-type]


def test_witness_on_demand_and_a_bad_figure_request(
    client: Client, keys: tuple[PrivateKey, PrivateKey]
) -> None:
    platform, witness = keys
    world = make_world()
    _ingest(world, platform, 1)
    client.force_login(member(RoleChoices.PLATFORM_OPERATOR))
    answer = client.post("/api/v1/log/witness")
    assert answer.status_code == 200, answer.content
    assert _cosigned_by(answer.content.decode(), witness) > 0
    client.force_login(member(RoleChoices.REGULATOR, world.enterprise))
    refused = client.get(
        f"/api/v1/log/bundles?enterprise_id={world.enterprise.pk}"
        "&start=2020-01-01T00:00:00Z&end=2099-01-01T00:00:00Z&figure=process"
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "log.bad_figure"
