"""The demo province's witness round: cosign the head with the witness key, none without one."""

from __future__ import annotations

import pytest

from tanji.evidence import signing
from tanji.evidence.models import WitnessCosignature
from tanji.livedemo.witness import DemoWitness
from tanji.trust.keys import generate_private_key
from tests.evidence.factories import make_world
from tests.ingest.cases import RECEIVED

pytestmark = pytest.mark.django_db


def test_a_round_cosigns_the_head_only_with_a_witness_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tanji.ingest.model import Submission
    from tanji.ingest.pipeline import ingest

    platform = generate_private_key()
    monkeypatch.setenv("TANJI_PLATFORM_KEY_PEM", platform.to_pem().decode("ascii"))
    monkeypatch.setenv("TANJI_WITNESS_KEY_FILE", "absent/witness.pem")
    signing.platform_key.cache_clear()
    signing.witness_key.cache_clear()
    world = make_world()
    body = world.envelope(world.batch(1))
    submission = Submission(body, "https", RECEIVED, device_id=world.terminal.device_id)
    assert ingest(submission, key=platform).status == "accepted"
    assert DemoWitness().cosign() is None
    monkeypatch.setenv("TANJI_WITNESS_KEY_PEM", generate_private_key().to_pem().decode("ascii"))
    signing.witness_key.cache_clear()
    cosigned = DemoWitness().cosign()
    assert cosigned is not None
    assert cosigned.size == 1
    assert WitnessCosignature.objects.count() == 1
    signing.platform_key.cache_clear()
    signing.witness_key.cache_clear()
