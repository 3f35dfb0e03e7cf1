from datetime import UTC, datetime

import pytest

from tanji.protocols.readings import (
    BATCH_PAYLOAD_TYPE,
    BatchFormatError,
    QualityFlag,
    Reading,
    decode_batch,
)
from tanji.terminal.signing import Sealer, TrustError, open_signed
from tanji.trust import dsse
from tanji.trust.keys import generate_private_key
from tests.terminal.factories import DEVICE, T0, readings


def test_sealed_batch_verifies_and_decodes_exactly():
    key = generate_private_key()
    data = Sealer(DEVICE, key).seal(7, T0, readings(T0, 3))
    public = key.public_key()
    batch = decode_batch(open_signed(data, BATCH_PAYLOAD_TYPE, {public.key_id: public}))
    assert (batch.device, batch.seq, batch.created) == (DEVICE, 7, T0)
    assert [r.value for r in batch.readings] == [0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("batch", "code"),
    [
        ([], "batch.bad_size"),
        ([Reading("", T0, 1.0, "t")], "batch.bad_text"),
        ([Reading("A", T0, 1.0, "u" * 17)], "batch.bad_text"),
        ([Reading("A", T0, 1.0, "t", QualityFlag.ESTIMATED)], "batch.bad_flag"),
        ([Reading("A", T0, float("nan"), "t")], "batch.non_finite"),
        ([Reading("A", datetime(2025, 1, 1), 1.0, "t")], "batch.naive_time"),  # noqa: DTZ001
    ],
)
def test_refuses_to_seal_what_the_platform_would_refuse(batch, code):
    with pytest.raises(BatchFormatError) as caught:
        Sealer(DEVICE, generate_private_key()).seal(1, datetime.now(UTC), batch)
    assert caught.value.code == code


def test_signatures_by_unknown_keys_are_refused():
    data = Sealer(DEVICE, generate_private_key()).seal(1, T0, readings(T0, 1))
    other = generate_private_key().public_key()
    with pytest.raises(TrustError) as caught:
        open_signed(data, BATCH_PAYLOAD_TYPE, {other.key_id: other})
    assert caught.value.code == "trust.bad_signature"


def test_envelope_with_a_changed_payload_is_refused():
    key = generate_private_key()
    envelope = dsse.decode_envelope(Sealer(DEVICE, key).seal(1, T0, readings(T0, 1)))
    forged = dsse.Envelope(
        envelope.payload_type, envelope.payload.replace(b'"v":0', b'"v":9'), envelope.signatures
    )
    public = key.public_key()
    with pytest.raises(TrustError):
        open_signed(dsse.encode_envelope(forged), BATCH_PAYLOAD_TYPE, {public.key_id: public})
